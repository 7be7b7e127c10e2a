"""Vocabulary and storage: settings, errors, strings, types, the knowledge-base index, the database
stores and the shipped content."""
