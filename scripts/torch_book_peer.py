"""The book's stacked and greedy autoencoders trained by PyTorch, as a second opinion on aekit's figures.

Same data and split as aekit (Fashion-MNIST train[:55000] / train[55000:], pixels / 255), same
architecture, Keras's initialisation (Glorot-uniform kernels, zero biases), Keras's BCE (mean over
pixels, probabilities clipped to [1e-7, 1 - 1e-7]), plain SGD, batch 32, reshuffled every epoch.
Prints one JSON line per run: {"model", "seed", "val_loss", "val_rounded_accuracy", ...}.

Usage: python3 scripts/torch_book_peer.py --model stacked|greedy --seeds 1,2,3 [--data-dir DIR] [--threads 1]
"""
import argparse, gzip, json, os, time

import numpy as np
import torch
from torch import nn

p = argparse.ArgumentParser()
p.add_argument('--model', choices=['stacked', 'greedy'], required=True)
p.add_argument('--seeds', default='1')
p.add_argument('--data-dir', default=os.environ.get('AEKIT_DATA_DIR', '/usr/share/datasets/fashion-mnist'))
p.add_argument('--threads', type=int, default=1)
a = p.parse_args()
torch.set_num_threads(a.threads)


def images(name):
    with gzip.open(os.path.join(a.data_dir, name)) as f:
        raw = f.read()
    return np.frombuffer(raw, np.uint8, offset=16).reshape(-1, 784).astype(np.float32) / 255


full = torch.from_numpy(images('train-images-idx3-ubyte.gz'))
train, valid = full[:55000], full[55000:]
EPS = 1e-7


def bce(pred, target):
    pred = pred.clamp(EPS, 1 - EPS)
    return -(target * torch.log(pred) + (1 - target) * torch.log(1 - pred)).mean()


def rounded_accuracy(pred, target):
    return (torch.round(pred) == torch.round(target)).float().mean()


def dense(n_in, n_out):
    layer = nn.Linear(n_in, n_out)
    nn.init.xavier_uniform_(layer.weight)
    nn.init.zeros_(layer.bias)
    return layer


def fit(model, x, y, loss_fn, lr, epochs, gen):
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=gen)
        for i in range(0, len(x), 32):
            idx = order[i:i + 32]
            opt.zero_grad()
            loss_fn(model(x[idx]), y[idx]).backward()
            opt.step()


def evaluate(model, x):
    with torch.no_grad():
        out = model(x)
        return bce(out, x).item(), rounded_accuracy(out, x).item()


mse = nn.MSELoss()
for seed in [int(s) for s in a.seeds.split(',')]:
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    t0 = time.time()
    enc1, enc2 = nn.Sequential(dense(784, 100), nn.SELU()), nn.Sequential(dense(100, 30), nn.SELU())
    dec2, dec1 = nn.Sequential(dense(30, 100), nn.SELU()), nn.Sequential(dense(100, 784), nn.Sigmoid())
    stacked = nn.Sequential(enc1, enc2, dec2, dec1)
    record = {'model': a.model, 'seed': seed, 'torch': torch.__version__}
    if a.model == 'stacked':
        fit(stacked, train, train, bce, 1.5, 20, gen)
    else:
        stage1 = nn.Sequential(enc1, dec1)
        fit(stage1, train, train, bce, 1.5, 10, gen)
        record['stage1_val_rounded_accuracy'] = evaluate(stage1, valid)[1]
        with torch.no_grad():
            codes, codes_valid = enc1(train), enc1(valid)
        stage2 = nn.Sequential(enc2, dec2)
        fit(stage2, codes, codes, mse, 0.05, 10, gen)
        with torch.no_grad():
            record['stage2_val_loss'] = mse(stage2(codes_valid), codes_valid).item()
        fit(stacked, train, train, bce, 0.1, 10, gen)
    record['val_loss'], record['val_rounded_accuracy'] = evaluate(stacked, valid)
    record['minutes'] = round((time.time() - t0) / 60, 1)
    print(json.dumps(record), flush=True)
