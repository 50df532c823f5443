"""Engines: where bulk screening runs. ``local`` streams and forks processes; ``spark`` runs the
same matcher inside Spark. Both produce the same output contract, row for row."""
