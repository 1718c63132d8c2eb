"""The planner's LangGraph: named, five nodes in order, each registered by its own name."""

from __future__ import annotations

from agent.graph import Planner
from core.settings import Settings


def test_the_graph_is_named_and_runs_its_nodes_in_order() -> None:
    planner = Planner(Settings(_env_file=None))
    drawn = planner.graph.get_graph()
    assert planner.graph.name == "scene-planner"
    assert list(drawn.nodes) == ["__start__", "understand", "cast", "stage", "dress", "prompt", "__end__"]
    edges = sorted((edge.source, edge.target) for edge in drawn.edges)
    chain = ["__start__", "understand", "cast", "stage", "dress", "prompt", "__end__"]
    assert edges == sorted(zip(chain, chain[1:], strict=False))
