"""The Textual UI: depends on the core (sim, lessons, store), never the reverse."""
