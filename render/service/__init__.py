"""The render service: an HTTP API (FastAPI) over a persisted, fair job queue.

`app.create_app` builds the API; `runtime.Runtime` runs the queue (`queue.JobQueue` over a
`store.Store`), the engine that carries jobs to workers (`engine.Engine`, huey) and this
process's render worker (`worker.Worker`); `server.serve` is `cartoon serve`.
"""
