"""The knowledge corpus and its pgvector store/retriever. (Filled by the knowledge issue.)"""
