"""DSPy programs: text (plus context) in, structured fields out. No DuckDB, no tools."""
