"""Sentiment API (stub for the mllint clean example)."""

import os

from fastapi import FastAPI

app = FastAPI()
MODEL_DIR = os.environ.get("MODEL_DIR", "/models/sentiment-onnx")


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok", "model_dir": MODEL_DIR}
