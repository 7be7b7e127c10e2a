"""The knowledge base: stores (Chroma, keyword index, curation DB) and the shipped starter content."""
