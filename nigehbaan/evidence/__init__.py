"""The database-free layer of the evidence vault: hashing, type detection, metadata, perceptual
hashes, previews, the encrypted write-once blob store, safe archive walking and the executor.

Everything here works on files and bytes only, so the same code runs in local worker processes
and on Dask workers; the services that record items, sources and custody events call it.
"""
