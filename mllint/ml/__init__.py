"""What the ML rules know about the ML world: images and their CUDA, framework wheels and their
CUDA variants, compatibility data, GPU requests, service roles. Imported only by the rules that
need it, so a run without ML rules never pays for it."""
