"""PyTorch peers of aekit's models, for `npm run bench`.

conv: the seed conv autoencoder, as src/models/conv.ts (padding mapping from engine-notes.md),
SGD lr 1.0. stacked: the book's stacked dense autoencoder (784-100-30-100-784, SELU, sigmoid
output), SGD lr 1.5. recurrent: the book's recurrent autoencoder, as src/models/recurrent.ts (LSTM(100) →
LSTM(30) ‖ repeat 28 → LSTM(100) → Linear(28) + sigmoid per step), SGD lr 0.1. BCE, random data.
Prints one JSON line: {"model", "batch", "threads", "images_per_second": [per run], "median"}.
Usage: python3 bench/torch_peer.py --model conv --batch 32 --steps 40 --runs 3 --threads 2
"""
import argparse, json, statistics, time
import torch
from torch import nn

p = argparse.ArgumentParser()
p.add_argument('--model', choices=['conv', 'stacked', 'recurrent'], default='conv')
p.add_argument('--batch', type=int, default=32)
p.add_argument('--steps', type=int, default=40)
p.add_argument('--warmup', type=int, default=5)
p.add_argument('--runs', type=int, default=3)
p.add_argument('--threads', type=int, default=2)
p.add_argument('--shape', default='28x28x1', help='conv only: input HxWxC; sizes divisible by 8 use the all-"same" decoder of src/models/conv.ts')
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)


class RecurrentAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc1 = nn.LSTM(28, 100, batch_first=True)
        self.enc2 = nn.LSTM(100, 30, batch_first=True)
        self.dec = nn.LSTM(30, 100, batch_first=True)
        self.out = nn.Linear(100, 28)

    def forward(self, x):
        h, _ = self.enc1(x)
        _, (code, _) = self.enc2(h)
        h, _ = self.dec(code[-1].unsqueeze(1).expand(-1, 28, -1))
        return torch.sigmoid(self.out(h))


H, W, C = (int(v) for v in a.shape.split('x'))


def conv_any():
    # Sizes divisible by 8: three conv + pool stages, then three stride-2 'same' transposes (×2 each).
    return nn.Sequential(
        nn.Conv2d(C, 16, 3, padding=1), nn.SELU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.SELU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.SELU(), nn.MaxPool2d(2),
        nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1), nn.SELU(),
        nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1), nn.SELU(),
        nn.ConvTranspose2d(16, C, 3, stride=2, padding=1, output_padding=1), nn.Sigmoid(),
    )


conv28 = lambda: nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.SELU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1), nn.SELU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1), nn.SELU(), nn.MaxPool2d(2),
    nn.ConvTranspose2d(64, 32, 3, stride=2), nn.SELU(),
    nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1), nn.SELU(),
    nn.ConvTranspose2d(16, 1, 3, stride=2, padding=1, output_padding=1), nn.Sigmoid(),
)
stacked = lambda: nn.Sequential(
    nn.Flatten(), nn.Linear(784, 100), nn.SELU(), nn.Linear(100, 30), nn.SELU(),
    nn.Linear(30, 100), nn.SELU(), nn.Linear(100, 784), nn.Sigmoid(), nn.Unflatten(1, (28, 28)),
)
if (H, W, C) != (28, 28, 1) and (H % 8 or W % 8):
    raise SystemExit('--shape: sizes other than 28x28x1 must divide by 8')
conv = conv28 if (H, W, C) == (28, 28, 1) else conv_any
model = {'conv': conv, 'stacked': stacked, 'recurrent': RecurrentAE}[a.model]()
opt = torch.optim.SGD(model.parameters(), lr={'conv': 1.0, 'stacked': 1.5, 'recurrent': 0.1}[a.model])
loss_fn = nn.BCELoss()
x = torch.rand(a.batch, C, H, W) if a.model == 'conv' else torch.rand(a.batch, 28, 28)

def step():
    opt.zero_grad()
    loss = loss_fn(model(x), x)
    loss.backward()
    opt.step()
    return loss.item()

for _ in range(a.warmup):
    step()
rates = []
for _ in range(a.runs):
    t0 = time.perf_counter()
    for _ in range(a.steps):
        step()
    rates.append(a.batch * a.steps / (time.perf_counter() - t0))
print(json.dumps({'model': a.model, 'shape': a.shape, 'batch': a.batch, 'threads': a.threads, 'torch': torch.__version__,
                  'images_per_second': rates, 'median': statistics.median(rates)}))
