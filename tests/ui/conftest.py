"""The UI's modules import each other as siblings (streamlit puts ui/ on sys.path); tests do the same."""
import sys
from pathlib import Path

UI_DIR = str(Path(__file__).resolve().parents[2] / "ui")
if UI_DIR not in sys.path:
    sys.path.append(UI_DIR)  # appended, so it never shadows modules of the rest of the suite
