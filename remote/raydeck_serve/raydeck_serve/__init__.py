"""Raydeck's app builder for Ray Serve: turns a pipeline graph (drawn in Raydeck's pipeline editor,
carried in a Serve config's `args`, format in docs/pipeline-graph.md) into one Serve application.

Serve config: `import_path: raydeck_serve.app:build`, `args: {pipeline: {...}}`. Shipped to the
nodes as a wheel installed into ~/.raydeck/venv (scripts/pipeline/build-wheel,
core/pipeline/app-builder-install.ts). Importing this package needs only Ray Serve: the heavy
libraries (sentence-transformers, vLLM) are imported inside the stages that use them.
"""

# Raydeck's version (package.json); tests/test_version.py keeps the two in step.
__version__ = "0.1.0"
