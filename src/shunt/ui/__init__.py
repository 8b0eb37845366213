"""`shunt ui`: the self-check as a full-screen terminal app (Textual, the optional extra `shunt[ui]`).

Each tab reads through the same diagnose functions and result objects as the commands, and shows them
with the same rich views (render.human, render.audit): no second implementation.
"""
