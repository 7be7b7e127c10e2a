"""Answering: retrieval, fusion, curated answers, composers, citations, safety, evaluation."""
