"""The answer engine: question → triage → curated match → retrieval → composer → citations."""
