"""Turning files into chunks in the knowledge base: load → clean → split → embed → upsert."""
