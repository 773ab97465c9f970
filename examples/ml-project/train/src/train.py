"""LoRA fine-tuning entry point (stub for the mllint example project)."""

import argparse


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--output-dir", default="/checkpoints/local")
    args = parser.parse_args()
    print(f"would fine-tune with {args.config} into {args.output_dir}")


if __name__ == "__main__":
    main()
