"""Database stores (SQLAlchemy): tables, curation store, curator accounts."""
