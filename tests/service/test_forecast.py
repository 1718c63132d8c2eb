"""The queue's forecast (`render.service.queue.forecast`): the order waiting jobs start in
and when, with the per-user running limit holding a user's later jobs while other users'
go ahead. A pure function: cases written as the hand-out would play them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from render.service.jobs import Job
from render.service.queue import forecast

NOW = 1_000_000.0
RUN = 10.0


def job(name: str, user: str, state: str = "queued", started_ago: float | None = None, seq: int = 0) -> Job:
    started = NOW - started_ago if started_ago is not None else None
    return Job(id=name, user=user, state=state, seq=seq, started_at=started, dispatched_at=NOW - 1 if state == "dispatched" else None)


def plan(running, dispatched, queued, slots, per_user=1):
    order, starts = forecast(running, dispatched, queued, slots=slots, per_user=per_user, run_s=RUN, now=NOW)
    return [j.id for j in order], starts


def test_a_user_at_the_running_limit_waits_for_their_own_job_even_with_a_slot_idle() -> None:
    order, starts = plan([job("a1", "alice", "running", started_ago=4)], [], [job("a2", "alice"), job("a3", "alice")], slots=2)
    assert order == ["a2", "a3"]
    assert starts == {"a2": 6.0, "a3": 16.0}  # a1 ends in 6 s; the idle slot does not help alice


def test_other_users_go_ahead_of_a_held_job() -> None:
    running = [job("a1", "alice", "running", started_ago=2), job("b1", "bob", "running", started_ago=8)]
    queued = [job("a2", "alice"), job("c1", "carol")]  # fair order puts alice first
    order, starts = plan(running, [], queued, slots=2)
    # bob's slot frees first (in 2 s): alice is still rendering, so carol takes it
    assert order == ["c1", "a2"]
    assert starts == {"c1": 2.0, "a2": 8.0}


def test_a_higher_limit_lets_a_user_fill_free_slots() -> None:
    order, starts = plan([job("a1", "alice", "running", started_ago=0)], [], [job("a2", "alice"), job("a3", "alice")], slots=3, per_user=2)
    assert starts == {"a2": 0.0, "a3": 10.0}


def test_dispatched_jobs_start_first_then_the_fair_order() -> None:
    order, starts = plan([], [job("b1", "bob", "dispatched")], [job("a1", "alice"), job("a2", "alice")], slots=1)
    assert order == ["b1", "a1", "a2"]
    assert starts == {"b1": 0.0, "a1": 10.0, "a2": 20.0}


def test_a_job_past_its_average_is_taken_as_ending_now() -> None:
    order, starts = plan([job("a1", "alice", "running", started_ago=60)], [], [job("a2", "alice")], slots=1)
    assert starts == {"a2": 0.0}


def test_no_live_slot_still_gives_an_order() -> None:
    order, _ = plan([], [], [job("a1", "alice"), job("b1", "bob")], slots=0)
    assert order == ["a1", "b1"]


@st.composite
def queues(draw):
    slots = draw(st.integers(1, 4))
    per_user = draw(st.integers(1, 3))
    users = [f"u{n}" for n in range(draw(st.integers(1, 5)))]
    running = [
        job(f"r{n}", draw(st.sampled_from(users)), "running", started_ago=draw(st.floats(0, 3 * RUN)))
        for n in range(draw(st.integers(0, slots)))
    ]
    queued = [job(f"q{n}", draw(st.sampled_from(users)), seq=n) for n in range(draw(st.integers(0, 25)))]
    return running, queued, slots, per_user


@settings(max_examples=300, deadline=None)
@given(queues())
def test_no_user_ever_has_more_than_their_limit_in_flight(case) -> None:
    running, queued, slots, per_user = case
    order, starts = plan(running, [], queued, slots=slots, per_user=per_user)
    assert sorted(order) == sorted(j.id for j in queued)
    spans = [(j.user, max(0.0, j.started_at + RUN - NOW) - RUN, max(0.0, j.started_at + RUN - NOW)) for j in running]
    spans += [(j.user, starts[j.id], starts[j.id] + RUN) for j in queued]
    for user, start, _ in spans[len(running):]:
        at_once = sum(u == user and s <= start < e for u, s, e in spans)
        assert at_once <= per_user, (user, start)
        assert sum(s <= start < e for _, s, e in spans) <= slots
    for user in {j.user for j in queued}:  # a user's own jobs keep their order
        theirs = [starts[j.id] for j in queued if j.user == user]
        assert theirs == sorted(theirs)
