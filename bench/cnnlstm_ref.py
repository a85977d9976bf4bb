#!/usr/bin/python3
"""PyTorch reference for gridcast's CNN-LSTM (bench train --model cnnlstm defaults), the network of issue 19: per
frame conv3x3(c->8) relu [skip 0], maxpool 2, conv3x3(8->16) relu [skip 1], maxpool 2; on every cell of that
H/4 x W/4 grid, an LSTM over the cell's 16 features of each frame (layers x hidden, the same weights for every cell),
its last step as the decoder's map of hidden channels; upsample 2, concatenate the last frame's skip 1,
conv(hidden+16->16) relu; upsample 2, concatenate the last frame's skip 0, conv(16+8->8) relu; conv(8->out); plus
the last frame. MSE, Adam. Prints median_step_s like ../shared/bench/convlstm_ref.py. ../shared/bench/cnnlstm_ref.py
is the network before issue 19 (one LSTM over the whole flattened map, a dense layer, no skips)."""
import argparse, time, statistics, torch, torch.nn as nn
p = argparse.ArgumentParser()
for k, v in dict(batch=4, t_in=10, t_out=10, size=64, hidden=32, layers=2, steps=10, warmup=2, threads=2).items():
    p.add_argument("--" + k.replace("_", "-"), type=int, default=v)
a = p.parse_args(); torch.set_num_threads(a.threads); torch.manual_seed(0)
S = a.size // 4
def conv(i, o): return nn.Sequential(nn.Conv2d(i, o, 3, padding=1), nn.ReLU())
class Net(nn.Module):
    def __init__(s):
        super().__init__()
        s.enc0, s.enc1, s.pool, s.up = conv(1, 8), conv(8, 16), nn.MaxPool2d(2), nn.Upsample(scale_factor=2)
        s.lstm = nn.LSTM(16, a.hidden, num_layers=a.layers, batch_first=True)
        s.dec1, s.dec0, s.out = conv(a.hidden + 16, 16), conv(16 + 8, 8), nn.Conv2d(8, a.t_out, 3, padding=1)
    def forward(s, x):  # x [b, t, 1, h, w]
        b, t = x.shape[:2]
        e0 = s.enc0(x.reshape(b * t, 1, a.size, a.size))
        e1 = s.enc1(s.pool(e0))
        cells = s.pool(e1).reshape(b, t, 16, S * S).permute(0, 3, 1, 2).reshape(b * S * S, t, 16)
        h, _ = s.lstm(cells)
        d = h[:, -1].reshape(b, S, S, a.hidden).permute(0, 3, 1, 2)
        d = s.dec1(torch.cat([s.up(d), e1.reshape(b, t, *e1.shape[1:])[:, -1]], 1))
        d = s.dec0(torch.cat([s.up(d), e0.reshape(b, t, *e0.shape[1:])[:, -1]], 1))
        return s.out(d) + x[:, -1]
net = Net(); opt = torch.optim.Adam(net.parameters(), 1e-3)
x = torch.randn(a.batch, a.t_in, 1, a.size, a.size); y = torch.randn(a.batch, a.t_out, a.size, a.size)
times = []
for i in range(a.warmup + a.steps):
    t0 = time.perf_counter(); opt.zero_grad(); loss = ((net(x) - y) ** 2).mean(); loss.backward(); opt.step()
    if i >= a.warmup: times.append(time.perf_counter() - t0)
print(f"params={sum(p.numel() for p in net.parameters())} median_step_s={statistics.median(times):.4f}")
