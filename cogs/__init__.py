"""Extensions: one module per feature, each ending with `async def setup(bot)`; every module here is loaded."""
