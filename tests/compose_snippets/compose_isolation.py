"""Compose isolation rules ML213-ML223: sensitive host mounts, mount propagation, host
namespaces, ipc host, capabilities, confinement, no-new-privileges, read-only root, host
devices and services that run as root. Lines count from 1 at ``services:`` (the text is
dedented and its first newline dropped)."""

from __future__ import annotations

import textwrap


def _y(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


CASES: list[tuple[str | dict[str, str], str, list[int | str]]] = [
    # ------------------------------------------------------------------ ML213
    (
        _y("""
        services:
          t:
            image: x:1
            volumes: ["/:/host"]
        """),
        "ML213",
        [4],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            volumes:
              - ./data:/data
              - ~/.aws:/root/.aws:ro
        """),
        "ML213",
        [6],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            volumes:
              - type: bind
                source: /proc
                target: /host/proc
        """),
        "ML213",
        [5],
    ),
    (
        {
            "compose.yaml": _y("""
            services:
              t:
                image: x:1
            """),
            "compose.override.yaml": _y("""
            services:
              t:
                volumes: ["${SRC:-/etc}:/host-etc"]
            """),
        },
        "ML213",
        ["compose.override.yaml:3"],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            volumes:
              - C:\\Users\\me\\.ssh:/root/.ssh
        """),
        "ML213",
        [5],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            volumes:
              - ./etc:/etc/app
              - ~/.cache/huggingface:/root/.cache/huggingface
              - /etc/localtime:/etc/localtime:ro
        """),
        "ML213",
        [],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            volumes:
              - ${DATA}:/data
              - data:/etc
        volumes:
          data:
        """),
        "ML213",
        [],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            volumes:
              - /var/run/docker.sock:/var/run/docker.sock
              - /mnt/datasets:/data:ro
              - /usr:/host/usr:ro
        """),
        "ML213",
        [],
    ),
    # ------------------------------------------------------------------ ML214
    (
        _y("""
        services:
          t:
            image: x:1
            volumes: ["/mnt/b:/b:rshared"]
        """),
        "ML214",
        [4],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            volumes:
              - type: bind
                source: /mnt/b
                target: /b
                bind:
                  propagation: shared
        """),
        "ML214",
        [9],
    ),
    (
        {
            "compose.yaml": _y("""
            services:
              t:
                image: x:1
                volumes: ["/mnt/b:/b"]
            """),
            "compose.override.yaml": _y("""
            services:
              t:
                volumes: ["/mnt/b:/b:ro,shared"]
            """),
        },
        "ML214",
        ["compose.override.yaml:3"],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            volumes: ["/mnt/b:/b:rslave"]
        """),
        "ML214",
        [],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            volumes: ["shared:/shared", "./x:/x:rprivate"]
        volumes:
          shared:
        """),
        "ML214",
        [],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            volumes: ["/mnt/b:/b:ro"]
        """),
        "ML214",
        [],
    ),
    # ------------------------------------------------------------------ ML215
    (
        _y("""
        services:
          t:
            image: x:1
            network_mode: host
        """),
        "ML215",
        [4],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            pid: "${PID_MODE:-host}"
            userns_mode: host
        """),
        "ML215",
        [4, 5],
    ),
    (
        {
            "compose.yaml": _y("""
            services:
              t:
                image: x:1
            """),
            "compose.override.yaml": _y("""
            services:
              t:
                uts: host
            """),
        },
        "ML215",
        ["compose.override.yaml:3"],
    ),
    (
        _y("""
        services:
          a:
            image: x:1
          t:
            image: x:1
            network_mode: "service:a"
            pid: "container:abc"
        """),
        "ML215",
        [],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            network_mode: ${NET_MODE}
        """),
        "ML215",
        [],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            network_mode: bridge
            ipc: host
        """),
        "ML215",
        [],
    ),
    # ------------------------------------------------------------------ ML216
    (
        _y("""
        services:
          t:
            image: pytorch/pytorch:2.4.1-cuda12.4-cudnn9-runtime
            ipc: host
        """),
        "ML216",
        [4],
    ),
    (
        _y("""
        x-gpu: &gpu
          ipc: host
        services:
          t:
            <<: *gpu
            image: x:1
        """),
        "ML216",
        [2],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            ipc: ${IPC:-host}
        """),
        "ML216",
        [4],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            shm_size: 8gb
        """),
        "ML216",
        [],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            ipc: shareable
          u:
            image: x:1
            ipc: "service:t"
        """),
        "ML216",
        [],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            ipc: ${IPC}
        """),
        "ML216",
        [],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            volumes: ["/dev/shm:/dev/shm"]
        """),
        "ML216",
        [4],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            volumes: ["./shm:/dev/shm", "shm:/dev/shm"]
        volumes:
          shm:
        """),
        "ML216",
        [],
    ),
    # ------------------------------------------------------------------ ML217
    (
        _y("""
        services:
          t:
            image: x:1
            cap_add: [SYS_ADMIN]
        """),
        "ML217",
        [4],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            cap_add:
              - cap_sys_ptrace
              - SYS_NICE
              - Net_Admin
        """),
        "ML217",
        [5, 7],
    ),
    (
        {
            "compose.yaml": _y("""
            services:
              t:
                image: x:1
                cap_add: [SYS_NICE]
            """),
            "compose.override.yaml": _y("""
            services:
              t:
                cap_add: [ALL]
            """),
        },
        "ML217",
        ["compose.override.yaml:3"],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            cap_add: [SYS_NICE, IPC_LOCK]
        """),
        "ML217",
        [],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            cap_drop: [SYS_ADMIN]
        """),
        "ML217",
        [],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            cap_add: ["${CAP}"]
        """),
        "ML217",
        [],
    ),
    # ------------------------------------------------------------------ ML218
    (
        _y("""
        services:
          t:
            image: x:1
            cap_add: [SYS_NICE]
        """),
        "ML218",
        [4],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            cap_drop: [NET_RAW]
            cap_add: [IPC_LOCK]
        """),
        "ML218",
        [5],
    ),
    (
        {
            "compose.yaml": _y("""
            services:
              t:
                image: x:1
                cap_drop: [ALL]
            """),
            "compose.override.yaml": _y("""
            services:
              u:
                image: x:1
                cap_add: [SYS_NICE]
            """),
        },
        "ML218",
        ["compose.override.yaml:4"],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            cap_drop: [all]
            cap_add: [SYS_NICE]
        """),
        "ML218",
        [],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
        """),
        "ML218",
        [],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            cap_drop: [CAP_ALL]
            cap_add: [NET_ADMIN]
        """),
        "ML218",
        [],
    ),
    # ------------------------------------------------------------------ ML219
    (
        _y("""
        services:
          t:
            image: x:1
            security_opt: ["seccomp:unconfined"]
        """),
        "ML219",
        [4],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            security_opt:
              - apparmor=unconfined
              - label:disable
        """),
        "ML219",
        [5, 6],
    ),
    (
        _y("""
        x-prof: &prof
          security_opt: [systempaths=unconfined]
        services:
          t:
            <<: *prof
            image: x:1
        """),
        "ML219",
        [2],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            security_opt: ["seccomp:./perf.json", "no-new-privileges:true"]
        """),
        "ML219",
        [],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            security_opt: ["label=type:container_t", "apparmor:my-profile"]
        """),
        "ML219",
        [],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            security_opt: ["${OPT}"]
        """),
        "ML219",
        [],
    ),
    # ------------------------------------------------------------------ ML220
    (
        _y("""
        services:
          t:
            image: x:1
        """),
        "ML220",
        [2],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            security_opt: ["no-new-privileges=false"]
        """),
        "ML220",
        [4],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            security_opt: ["seccomp:./s.json"]
        """),
        "ML220",
        [2],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            security_opt: [no-new-privileges]
        """),
        "ML220",
        [],
    ),
    (
        {
            "compose.yaml": _y("""
            services:
              t:
                image: x:1
            """),
            "compose.override.yaml": _y("""
            services:
              t:
                security_opt: ["no-new-privileges:true"]
            """),
        },
        "ML220",
        [],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            security_opt: ["${NNP}"]
        """),
        "ML220",
        [],
    ),
    # ------------------------------------------------------------------ ML221
    (
        _y("""
        services:
          t:
            image: x:1
        """),
        "ML221",
        [2],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            read_only: false
        """),
        "ML221",
        [4],
    ),
    (
        {
            "compose.yaml": _y("""
            services:
              t:
                image: x:1
                read_only: true
            """),
            "compose.override.yaml": _y("""
            services:
              t:
                read_only: false
            """),
        },
        "ML221",
        ["compose.override.yaml:3"],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            read_only: true
        """),
        "ML221",
        [],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            read_only: ${RO}
        """),
        "ML221",
        [],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            read_only: ${RO:-true}
        """),
        "ML221",
        [],
    ),
    # ------------------------------------------------------------------ ML222
    (
        _y("""
        services:
          t:
            image: x:1
            devices: ["/dev/sda:/dev/sda"]
        """),
        "ML222",
        [4],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            devices:
              - /dev/nvidia0
              - /dev/kmsg
        """),
        "ML222",
        [6],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            devices:
              - source: /dev/mem
                target: /dev/mem
        """),
        "ML222",
        [5],
    ),
    (
        _y("""
        services:
          t:
            image: rocm/pytorch:latest
            devices: [/dev/kfd, /dev/dri]
        """),
        "ML222",
        [],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            devices: ["nvidia.com/gpu=all", "/dev/nvidiactl", "/dev/infiniband/uverbs0"]
        """),
        "ML222",
        [],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            devices: ["${DEV}"]
        """),
        "ML222",
        [],
    ),
    # ------------------------------------------------------------------ ML223
    (
        {
            "compose.yaml": _y("""
            services:
              train:
                build: .
            """),
            "Dockerfile": 'FROM python:3.11-slim\nCMD ["python"]\n',
        },
        "ML223",
        [2],
    ),
    (
        {
            "compose.yaml": _y("""
            services:
              train:
                build: .
            """),
            "Dockerfile": "FROM python:3.11-slim\nUSER root\n",
        },
        "ML223",
        [2],
    ),
    (
        _y("""
        services:
          t:
            image: x:1
            user: "0:0"
        """),
        "ML223",
        [4],
    ),
    (
        {
            "compose.yaml": _y("""
            services:
              train:
                build: .
            """),
            "compose.override.yaml": _y("""
            services:
              train:
                user: root
            """),
            "Dockerfile": "FROM python:3.11-slim\nUSER 10001\n",
        },
        "ML223",
        ["compose.override.yaml:3"],
    ),
    (
        {
            "compose.yaml": _y("""
            services:
              train:
                build: .
            """),
            "Dockerfile": "FROM python:3.11-slim\nRUN useradd -u 10001 app\nUSER 10001\n",
        },
        "ML223",
        [],
    ),
    (
        {
            "compose.yaml": _y("""
            services:
              train:
                build: .
                user: "1000:1000"
            """),
            "Dockerfile": "FROM python:3.11-slim\n",
        },
        "ML223",
        [],
    ),
    (
        _y("""
        services:
          t:
            image: python:3.11-slim
        """),
        "ML223",
        [],
    ),
    (
        {
            "compose.yaml": _y("""
            services:
              nb:
                build: .
            """),
            "Dockerfile": "FROM quay.io/jupyter/pytorch-notebook:cuda12-python-3.11\n",
        },
        "ML223",
        [],
    ),
    (
        {
            "compose.yaml": _y("""
            services:
              train:
                build: .
            """),
            "Dockerfile": "ARG RUN_USER\nFROM python:3.11-slim\nARG RUN_USER\nUSER ${RUN_USER}\n",
        },
        "ML223",
        [],
    ),
    (
        {
            "compose.yaml": _y("""
            services:
              train:
                build: .
                user: ""
            """),
            "Dockerfile": "FROM python:3.11-slim\n",
        },
        "ML223",
        [2],
    ),
]
