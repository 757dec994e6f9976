"""The index: chunks, a FAISS dense index and a BM25 lexical index side by side, searched by RRF."""
