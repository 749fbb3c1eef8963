"""PyTorch peers of aekit's models, for `npm run bench`.

conv: the seed conv autoencoder, as src/models/conv.ts (padding mapping from engine-notes.md),
SGD lr 1.0. stacked: the book's stacked dense autoencoder (784-100-30-100-784, SELU, sigmoid
output), SGD lr 1.5. recurrent: the book's recurrent autoencoder, as src/models/recurrent.ts (LSTM(100) →
LSTM(30) ‖ repeat 28 → LSTM(100) → Linear(28) + sigmoid per step), SGD lr 0.1. BCE, random data.
cifar-conv: the conv model on 32×32×3 (convAutoencoder({ inputShape: [32, 32, 3] }): three
'same' transposed convolutions), SGD lr 1.0, BCE. upsample: the same with the upsample decoder
(nearest ×2 + Conv2d(3, same) per stage). conv1d: src/models/conv1d.ts's Keras-example model on
288 × 1 windows as Conv1d/ConvTranspose1d (stride 2, padding 3, output_padding 1 gives 72 → 144
→ 288), Adam lr 1e-3 (ε 1e-7, tfjs's and Keras's), MSE, N(0, 1) windows. dense: the `dense`
recipe on a 20-column standardised table (20 → 10 → 5 → 10 → 20, SELU, linear output), Adam lr
1e-3, MSE, N(0, 1) rows.
Prints one JSON line: {"model", "batch", "threads", "params", "images_per_second": [per run] (samples
per second: images, windows or rows), "median"}.
Usage: python3 bench/torch_peer.py --model conv --batch 32 --steps 40 --runs 3 --threads 2
"""
import argparse, gzip, json, os, statistics, time
import torch
from torch import nn

p = argparse.ArgumentParser()
p.add_argument('--model', choices=['conv', 'stacked', 'recurrent', 'cifar-conv', 'upsample', 'conv1d', 'dense'], default='conv')
p.add_argument('--batch', type=int, default=32)
p.add_argument('--steps', type=int, default=40)
p.add_argument('--warmup', type=int, default=5)
p.add_argument('--warmup-seconds', type=float, default=0.0, help='warm up for at least this long too (as many steps as that takes)')
p.add_argument('--runs', type=int, default=3)
p.add_argument('--threads', type=int, default=2)
p.add_argument('--shape', default='28x28x1', help='conv only: input HxWxC; sizes divisible by 8 use the all-"same" decoder of src/models/conv.ts')
p.add_argument('--window', type=int, default=288, help='conv1d only: time steps per window, a multiple of 4')
p.add_argument('--features', type=int, default=20, help='dense only: columns of the table')
p.add_argument('--fashion-epochs', type=int, default=0,
               help='conv only: instead of timed steps on random data, train this many epochs on the first --limit '
                    'Fashion-MNIST training images (shuffled each epoch), as `aekit train conv --epochs N --limit L` does, '
                    'and report each epoch\'s images/s')
p.add_argument('--limit', type=int, default=4096)
p.add_argument('--data-dir', default=os.environ.get('AEKIT_DATA_DIR', '/usr/share/datasets/fashion-mnist'))
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


if a.model in ('cifar-conv', 'upsample'):
    a.shape = '32x32x3'
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


def upsample():
    # conv-layers.ts's upsample decoder: per stage UpSampling2D(2) (nearest) → Conv2D(3, same).
    up = lambda: nn.Upsample(scale_factor=2, mode='nearest')
    return nn.Sequential(
        nn.Conv2d(C, 16, 3, padding=1), nn.SELU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.SELU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.SELU(), nn.MaxPool2d(2),
        up(), nn.Conv2d(64, 32, 3, padding=1), nn.SELU(),
        up(), nn.Conv2d(32, 16, 3, padding=1), nn.SELU(),
        up(), nn.Conv2d(16, C, 3, padding=1), nn.Sigmoid(),
    )


def conv1d():
    # Keras's 'same' stride-2 Conv1D of kernel 7: padding 3 (L → L/2); its Conv1DTranspose: padding 3,
    # output_padding 1 (L → 2L); the last, stride 1: padding 3 (L → L). Input [N, 1, window].
    return nn.Sequential(
        nn.Conv1d(1, 32, 7, stride=2, padding=3), nn.ReLU(), nn.Dropout(0.2),
        nn.Conv1d(32, 16, 7, stride=2, padding=3), nn.ReLU(),
        nn.ConvTranspose1d(16, 16, 7, stride=2, padding=3, output_padding=1), nn.ReLU(), nn.Dropout(0.2),
        nn.ConvTranspose1d(16, 32, 7, stride=2, padding=3, output_padding=1), nn.ReLU(),
        nn.ConvTranspose1d(32, 1, 7, stride=1, padding=3),
    )


def dense():
    # src/runs/recipes/dense.ts's denseUnits: f → ⌈f/2⌉ → ⌈f/4⌉ → ⌈f/2⌉ → f, SELU, linear output.
    f = a.features
    h1, h2 = max(2, -(-f // 2)), max(1, -(-f // 4))
    return nn.Sequential(
        nn.Linear(f, h1), nn.SELU(), nn.Linear(h1, h2), nn.SELU(),
        nn.Linear(h2, h1), nn.SELU(), nn.Linear(h1, f),
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
if a.window % 4:
    raise SystemExit('--window: a multiple of 4')
conv = conv28 if (H, W, C) == (28, 28, 1) else conv_any
model = {'conv': conv, 'stacked': stacked, 'recurrent': RecurrentAE, 'cifar-conv': conv_any, 'upsample': upsample,
         'conv1d': conv1d, 'dense': dense}[a.model]()
if a.model in ('conv1d', 'dense'):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.MSELoss()
else:
    opt = torch.optim.SGD(model.parameters(), lr={'stacked': 1.5, 'recurrent': 0.1}.get(a.model, 1.0))
    loss_fn = nn.BCELoss()
if a.model in ('conv', 'cifar-conv', 'upsample'):
    x = torch.rand(a.batch, C, H, W)
elif a.model == 'conv1d':
    x = torch.randn(a.batch, 1, a.window)
elif a.model == 'dense':
    x = torch.randn(a.batch, a.features)
else:
    x = torch.rand(a.batch, 28, 28)
with torch.no_grad():
    assert model(x).shape == x.shape, f'{a.model}: output {tuple(model(x).shape)} is not the input {tuple(x.shape)}'
params = sum(p.numel() for p in model.parameters())
# PyTorch's LSTM has two bias vectors (b_ih, b_hh) where Keras's has one: 4·U more per layer.
extra_bias = sum(m.bias_hh_l0.numel() for m in model.modules() if isinstance(m, nn.LSTM))
params_note = {'params_note': f"PyTorch's LSTM has two bias vectors, Keras's one: {params - extra_bias} with one counted"} if extra_bias else {}

def step(batch=None):
    batch = x if batch is None else batch
    opt.zero_grad()
    loss = loss_fn(model(batch), batch)
    loss.backward()
    opt.step()
    return loss.item()

if a.fashion_epochs > 0:
    if a.model != 'conv':
        raise SystemExit('--fashion-epochs: the conv model only')
    with gzip.open(os.path.join(a.data_dir, 'train-images-idx3-ubyte.gz')) as f:
        raw = f.read()
    images = torch.frombuffer(bytearray(raw[16:16 + a.limit * 784]), dtype=torch.uint8).float().div(255).reshape(-1, 1, 28, 28)
    g = torch.Generator().manual_seed(42)
    epochs = []
    for _ in range(a.fashion_epochs):
        order = torch.randperm(images.shape[0], generator=g)
        t0 = time.perf_counter()
        for i in range(0, images.shape[0], a.batch):
            step(images[order[i:i + a.batch]])
        epochs.append(images.shape[0] / (time.perf_counter() - t0))
    print(json.dumps({'model': a.model, 'batch': a.batch, 'threads': a.threads, 'torch': torch.__version__, 'params': params,
                      'limit': images.shape[0], 'epoch_images_per_second': epochs}))
    raise SystemExit(0)

warm_start = time.perf_counter()
done = 0
while done < a.warmup or time.perf_counter() - warm_start < a.warmup_seconds:
    step()
    done += 1
rates = []
for _ in range(a.runs):
    t0 = time.perf_counter()
    for _ in range(a.steps):
        step()
    rates.append(a.batch * a.steps / (time.perf_counter() - t0))
print(json.dumps({'model': a.model, 'shape': list(x.shape[1:]), 'batch': a.batch, 'threads': a.threads, 'torch': torch.__version__, 'params': params, **params_note,
                  'images_per_second': rates, 'median': statistics.median(rates)}))
