"""The JSON API: a ``/match`` endpoint compatible with OpenSanctions yente."""
