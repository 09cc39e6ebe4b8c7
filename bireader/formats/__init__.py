"""Exporters: HTML reader, TMX 1.4b, TSV and JSON."""
