"""torch 모델을 평범한 자료로 들여다보는 도우미 (5장 2부의 테스트가 씁니다).

신뢰 수준: **학생 프로세스(믿지 않음)** 에서 돌 수 있는 코드. 테스트 셀은 JupyterLab에서는 학생의 커널에서, 채점할
때는 샌드박스 밖에서 돕니다. 채점할 때 학생의 모델은 커널에 남아 있고 테스트 쪽에는 번호표
(``autograder.worker.checker.RemoteObject``)만 오므로, 모델을 들여다보는 일(층 목록, 순전파 기록, 매개변수 바꾸기)은
모델이 있는 곳에서 해야 합니다. 이 모듈의 함수는 모델을 직접 받으면 그 자리에서 계산하고, 번호표를 받으면 커널에
같은 함수를 부탁해(``view``) 결과만 평범한 자료로 받습니다. 그래서 한 테스트 코드가 두 곳에서 똑같이 돕니다.
돌려주는 것은 값뿐이고, 맞는지 판단은 테스트(믿을 수 있는 쪽)가 합니다.

"첫 층", "마지막 층"은 모듈을 등록한 순서가 아니라 순전파에서 불린 순서(:func:`trace`)로 정합니다.
"""
from __future__ import annotations

#: 층의 설정으로 읽는 속성들 (있는 것만)
_CONFIG = ("in_channels", "out_channels", "kernel_size", "stride", "padding", "num_features", "in_features",
           "out_features", "eps", "affine", "p", "output_size", "start_dim", "end_dim", "dilation", "groups",
           "momentum", "track_running_stats", "padding_mode", "inplace")


def _with_bias() -> tuple:
    from torch import nn

    return (nn.Conv2d, nn.Linear)


#: 채점할 때 믿을 수 있는 쪽이 넣는 함수(``autograder.worker.checker.Checker.define``). 그 밖(JupyterLab, 커널)에서는 None.
_define = None


def in_kernel(source: str, name: str):
    """출제자가 쓴 대역 부품(예: 참조 잔차 블록, 커널의 시드를 정하는 함수)을 학생 모델이 있는 곳에서 만듭니다.

    채점할 때는 학생 커널에서 만들고 번호표를 돌려주고, JupyterLab에서는 그 자리에서 만듭니다. 대역은 학생 함수에
    넣을 부품일 뿐이고 판정은 테스트가 합니다. ``source`` 에서는 ``np``, ``torch``, ``nn``, ``F`` 를 쓸 수 있습니다."""
    if _define is not None:
        return _define(source, name)
    import numpy
    import torch

    scope = {"np": numpy, "torch": torch, "nn": torch.nn, "F": torch.nn.functional}
    exec(compile(source, "<채점기가 보낸 대역>", "exec"), scope)
    return scope[name]


#: 커널에 부탁할 수 있는 함수들 (``autograder.kernel.probe`` 의 ``view`` 요청)
VIEWS = ("layers", "trace", "set_param", "grads_reach", "train", "predict")


def _remote(obj) -> bool:
    return type(obj).__name__ == "RemoteObject" and hasattr(obj, "view")


def _kinds(module) -> list[str]:
    return [c.__name__ for c in type(module).__mro__]


def _config(module) -> dict:
    out = {}
    for name in _CONFIG:
        value = getattr(module, name, None)
        if isinstance(value, (bool, int, float, str)) or (isinstance(value, tuple) and all(isinstance(v, int) for v in value)):
            out[name] = list(value) if isinstance(value, tuple) else value
    if isinstance(module, _with_bias()):
        out["bias"] = module.bias is not None
    return out


def layers(model) -> list[dict]:
    """``model.modules()`` 의 모듈마다: ``path``, ``type`` (클래스 이름), ``kinds`` (조상 클래스 이름들),
    ``config`` (합성곱의 채널·창 크기 등), ``params`` (매개변수 이름 → 배열)."""
    if _remote(model):
        return model.view("layers")
    out = []
    for path, module in model.named_modules():
        out.append({"path": path, "type": type(module).__name__, "kinds": _kinds(module), "config": _config(module),
                    "params": {n: p.detach().cpu().numpy().copy() for n, p in module.named_parameters(recurse=False)}})
    return out


def trace(model, x, kinds=("Conv2d", "_BatchNorm", "Linear"), opaque=()) -> dict:
    """``model(x)`` 를 한 번(기울기 없이) 실행하며, ``kinds`` 에 드는 모듈이 불린 순서대로 (경로, 종류, 입력, 출력)을
    기록합니다. ``opaque`` 에 드는 모듈은 하나로 보고 그 안은 기록하지 않습니다. ``{"calls": [...], "output": 텐서}``."""
    if _remote(model):
        return model.view("trace", x, list(kinds), list(opaque))
    import torch

    names = {id(m): p for p, m in model.named_modules()}
    inner = {id(s) for m in model.modules() if set(_kinds(m)) & set(opaque) for s in m.modules() if s is not m}
    calls = []

    def hook(module, inputs, output):
        calls.append({"path": names.get(id(module), "?"), "type": type(module).__name__, "kinds": _kinds(module),
                      "input": inputs[0].detach().clone(), "output": output.detach().clone()})

    handles = [m.register_forward_hook(hook) for m in model.modules()
               if set(_kinds(m)) & (set(kinds) | set(opaque)) and id(m) not in inner]
    try:
        with torch.no_grad():
            output = model(x)
    finally:
        for h in handles:
            h.remove()
    return {"calls": calls, "output": output.detach().clone()}


def set_param(model, path: str, name: str, value: float) -> None:
    """모듈 ``path`` 의 매개변수 ``name`` 을 모두 ``value`` 로 채웁니다(예: 마지막 BN의 γ를 0으로)."""
    if _remote(model):
        return model.view("set_param", path, name, value)
    import torch

    with torch.no_grad():
        getattr(model.get_submodule(path), name).fill_(value)
    return None


def grads_reach(model, x) -> dict:
    """``model(x).sum()`` 을 역전파했을 때 매개변수마다 기울기가 생겼는지(``이름 → bool``)."""
    if _remote(model):
        return model.view("grads_reach", x)
    model.zero_grad(set_to_none=True)
    model(x).sum().backward()
    return {n: p.grad is not None for n, p in model.named_parameters()}


def train(model, x, y, epochs: int, lr: float, last_lr: float, batch: int, seed: int) -> None:
    """Adam과 교차 엔트로피로 미니배치 학습(마지막 에포크는 ``last_lr``). 시드가 같으면 같은 결과입니다.

    Adam은 ``torch.optim.Adam`` (β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸)의 한 걸음을 같은 연산, 같은 순서로 여기서 씁니다.
    torch의 옵티마이저는 처음 만들 때 ``add_param_group`` 을 컴파일에서 빼려고 ``torch._dynamo`` 를 불러오는데, 그것이
    새 커널마다 CPU로 1.3초 듭니다(채점은 아무것도 컴파일하지 않습니다). 두 학습의 매개변수가 같은지는
    tests/test_grading_pipeline.py가 봅니다."""
    if _remote(model):
        return model.view("train", x, y, epochs, lr, last_lr, batch, seed)
    import torch
    import torch.nn.functional as F

    beta1, beta2, eps = 0.9, 0.999, 1e-8
    params = list(model.parameters())
    exp_avgs = [torch.zeros_like(p) for p in params]
    exp_avg_sqs = [torch.zeros_like(p) for p in params]
    steps = [0] * len(params)
    gen = torch.Generator().manual_seed(seed)
    model.train()
    for epoch in range(epochs):
        rate = last_lr if epoch == epochs - 1 else lr
        order = torch.randperm(len(x), generator=gen)
        for i in range(0, len(order), batch):
            idx = order[i:i + batch]
            loss = F.cross_entropy(model(x[idx]), y[idx])
            for p in params:
                p.grad = None
            loss.backward()
            with torch.no_grad():
                for k, p in enumerate(params):
                    if p.grad is None:  # torch.optim.Adam처럼 기울기가 없는 매개변수는 건너뜁니다(걸음 수도 그대로)
                        continue
                    steps[k] += 1
                    exp_avgs[k].lerp_(p.grad, 1 - beta1)
                    exp_avg_sqs[k].mul_(beta2).addcmul_(p.grad, p.grad, value=1 - beta2)
                    denom = (exp_avg_sqs[k].sqrt() / (1 - beta2 ** steps[k]) ** 0.5).add_(eps)
                    p.addcdiv_(exp_avgs[k], denom, value=-rate / (1 - beta1 ** steps[k]))
    return None


def predict(model, x):
    """평가 모드에서 기울기 없이 ``model(x)`` (로짓)."""
    if _remote(model):
        return model.view("predict", x)
    import torch

    model.eval()
    with torch.no_grad():
        return model(x).detach().clone()


# --- 믿을 수 있는 쪽의 torch.nn 모델을 커널로 보내기 (예: layer_gradient_norms에 넘기는 모델) ----------------------

_BUILDERS = {
    "Conv2d": ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "bias",
               "padding_mode"),
    "BatchNorm1d": ("num_features", "eps", "momentum", "affine", "track_running_stats"),
    "BatchNorm2d": ("num_features", "eps", "momentum", "affine", "track_running_stats"),
    "Linear": ("in_features", "out_features", "bias"),
    "Flatten": ("start_dim", "end_dim"),
    "AdaptiveAvgPool2d": ("output_size",),
    "MaxPool2d": ("kernel_size", "stride", "padding"),
    "AvgPool2d": ("kernel_size", "stride", "padding"),
    "Dropout": ("p",),
    "ReLU": (), "Sigmoid": (), "Tanh": (), "Identity": (), "Sequential": (),
}


def spec(module, encode_other) -> dict:
    """torch.nn의 기본 층으로만 된 모델을 평범한 자료로(구조, 매개변수·버퍼, 쌓인 기울기, 학습 모드)."""
    from . import wire

    kind = type(module).__name__
    if kind not in _BUILDERS or not type(module).__module__.startswith("torch.nn"):
        raise wire.WireError(f"{kind} 모듈은 보낼 수 없습니다(torch.nn의 기본 층만 됩니다).")
    config = {}
    for name in _BUILDERS[kind]:
        value = getattr(module, name, None)
        if name == "bias":
            value = module.bias is not None
        config[name] = list(value) if isinstance(value, tuple) else value
    return {
        "type": kind, "config": config, "training": module.training,
        "children": [[name, spec(child, encode_other)] for name, child in module.named_children()],
        "state": {k: wire.encode(v.detach().clone()) for k, v in module.state_dict(keep_vars=True).items() if "." not in k},
        "grads": {n: wire.encode(p.grad.detach().clone()) for n, p in module.named_parameters(recurse=False)
                  if p.grad is not None},
    }


def build(data: dict, special):
    """:func:`spec` 의 반대(커널 쪽에서 부릅니다)."""
    import torch
    from torch import nn

    from . import wire

    kind = data["type"]
    if kind not in _BUILDERS:
        raise wire.WireError(f"{kind} 모듈은 만들 수 없습니다.")
    config = {k: tuple(v) if isinstance(v, list) else v for k, v in data["config"].items()}
    module = nn.Sequential() if kind == "Sequential" else getattr(nn, kind)(**config)
    for name, child in data["children"]:
        module.add_module(name, build(child, special))
    state = {k: wire.decode(v) for k, v in data["state"].items()}
    with torch.no_grad():
        for key, value in state.items():
            getattr(module, key).copy_(value)
    for name, grad in data["grads"].items():
        getattr(module, name).grad = wire.decode(grad).detach()
    module.train(bool(data["training"]))
    return module
