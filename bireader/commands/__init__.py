"""CLI commands that live in a module of their own, registered at the end of ``cli.py``."""
