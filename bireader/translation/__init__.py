"""Translation engines (Argos, Apertium), the cache and the quality guard."""
