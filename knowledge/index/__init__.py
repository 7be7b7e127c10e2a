"""The knowledge-base index: the facade over vector store and keyword index; embedders, tokenizer, glossary."""
