"""Lessons: the format (pydantic), loading with line-precise problems, and the concept graph."""
