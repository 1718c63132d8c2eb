"""The render service: an HTTP API (FastAPI) over a persisted, fair job queue.

`app.create_app` builds the API from the routers in `routes/` (scenes, jobs, health), whose
dependencies (`deps.RuntimeDep`, `JobDep`) read this process's `runtime.Runtime`: the queue
(`queue.JobQueue` over a `store.Store`), the engine that carries jobs to workers
(`engine.Engine`, huey) and the render worker (`worker.Worker`). Errors are
`errors.ApiError`; `server.serve` is `cartoon serve`.
"""
