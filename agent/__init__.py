"""The scene agent: a LangGraph StateGraph that turns a scene request into a ScenePlan.

understand (LLM, optional) → cast (who) → stage (which wall) → dress (slogan, outfits)
→ prompt (the Kontext prompt). Import `agent.state` for the shared types; it is light.
"""
