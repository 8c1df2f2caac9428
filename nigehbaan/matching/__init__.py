"""Known-material matching without the database: hash-list formats, category schemes, indexes.

The services in this package's other modules (models, imports, match runs) call this layer; it
knows nothing of sessions or tables, so it can run on any worker that loads an index.
"""
