"""Small PyTorch nowcasting networks exported to ONNX, with their outputs on fixed inputs, for gridcast's tests.

    python3 export_onnx.py OUT_DIR [--in 4] [--leads 3] [--channels 1] [--height 16] [--width 16] [--batch 2]

writes, for each network NAME, NAME.onnx (torch.onnx.export) and NAME_input.npy / NAME_output.npy: float32 inputs
in gridcast's order [batch, time, channel, height, width] and PyTorch's forecasts [batch, lead, height, width]. Each
network reads its own layout, as models exported elsewhere do:
- convlstm: a ConvLSTM encoder-forecaster (Shi et al. 2015), input NTCHW, output NTCHW (one channel); batch,
  height and width are dynamic axes.
- cnnlstm:  a CNN encoder on every frame, an LSTM over time, a dense decoder of every lead added to the last frame;
  Keras' channels-last input NTHWC, output NTHW; only the batch is dynamic (the dense layers fix the grid).
- stacked:  a plain CNN that takes the input frames as channels (as RainNet does), input NCHW (time-major channels),
  output NCHW (a channel per lead); batch, height and width dynamic.
"""
import argparse
import os

import numpy as np
import torch
import torch.nn as nn


class ConvLstmCell(nn.Module):
    def __init__(self, inputs, hidden, kernel=3):
        super().__init__()
        self.hidden = hidden
        self.gates = nn.Conv2d(inputs + hidden, 4 * hidden, kernel, padding=kernel // 2)

    def forward(self, x, h, c):
        i, f, g, o = torch.split(self.gates(torch.cat([x, h], 1)), self.hidden, 1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c), c


class ConvLstm(nn.Module):
    """The encoder reads every input frame; the forecaster starts from its state and is fed its own last forecast."""

    def __init__(self, channels, leads, hidden=8):
        super().__init__()
        self.leads = leads
        self.hidden = hidden
        self.encoder = ConvLstmCell(channels, hidden)
        self.forecaster = ConvLstmCell(1, hidden)
        self.head = nn.Conv2d(hidden, 1, 1)

    def forward(self, x):  # [N, T, C, H, W]
        h = torch.zeros_like(x[:, 0, :1]).repeat(1, self.hidden, 1, 1)
        c = torch.zeros_like(h)
        for t in range(x.shape[1]):
            h, c = self.encoder(x[:, t], h, c)
        frame = x[:, -1, :1]
        leads = []
        for _ in range(self.leads):
            h, c = self.forecaster(frame, h, c)
            frame = self.head(h)
            leads.append(frame)
        return torch.stack(leads, 1)  # [N, leads, 1, H, W]


class CnnLstm(nn.Module):
    def __init__(self, channels, leads, height, width, filters=4, units=16):
        super().__init__()
        self.leads, self.height, self.width = leads, height, width
        self.encoder = nn.Sequential(nn.Conv2d(channels, filters, 3, stride=2, padding=1), nn.ReLU())
        self.lstm = nn.LSTM(filters * ((height + 1) // 2) * ((width + 1) // 2), units, batch_first=True)
        self.decoder = nn.Linear(units, leads * height * width)

    def forward(self, x):  # [N, T, H, W, C]
        n, t = x.shape[0], x.shape[1]
        frames = x.permute(0, 1, 4, 2, 3).reshape(n * t, x.shape[4], self.height, self.width)
        codes = self.encoder(frames).reshape(n, t, -1)
        out, _ = self.lstm(codes)
        change = self.decoder(out[:, -1]).reshape(n, self.leads, self.height, self.width)
        return x[:, -1, :, :, 0].unsqueeze(1) + change  # [N, leads, H, W]


class Stacked(nn.Module):
    def __init__(self, frames, leads, filters=8):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(frames, filters, 3, padding=1), nn.ReLU(),
                                 nn.Conv2d(filters, leads, 3, padding=1))

    def forward(self, x):  # [N, T*C, H, W]
        return self.net(x)  # [N, leads, H, W]


def export(model, name, example, to_model, from_model, dynamic, out_dir):
    """Exports `model`, run on `example` ([N, T, C, H, W]) put into its layout by `to_model`; `from_model` puts its
    output into [N, lead, H, W]."""
    model.eval()
    with torch.no_grad():
        model_input = to_model(example).contiguous()
        output = from_model(model(model_input))
    torch.onnx.export(model, (model_input,), os.path.join(out_dir, name + ".onnx"), input_names=["frames"],
                      output_names=["forecast"], dynamic_axes=dynamic, opset_version=13)
    np.save(os.path.join(out_dir, name + "_input.npy"), example.numpy().astype(np.float32))
    np.save(os.path.join(out_dir, name + "_output.npy"), output.numpy().astype(np.float32))
    print(os.path.join(out_dir, name + ".onnx"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out_dir")
    parser.add_argument("--in", dest="frames", type=int, default=4)
    parser.add_argument("--leads", type=int, default=3)
    parser.add_argument("--channels", type=int, default=1)
    parser.add_argument("--height", type=int, default=16)
    parser.add_argument("--width", type=int, default=16)
    parser.add_argument("--batch", type=int, default=2)
    a = parser.parse_args()
    torch.manual_seed(19)
    torch.set_num_threads(1)
    os.makedirs(a.out_dir, exist_ok=True)
    example = torch.rand(a.batch, a.frames, a.channels, a.height, a.width) * 4 - 1
    grid = {0: "batch", 2: "height", 3: "width"}
    export(ConvLstm(a.channels, a.leads), "convlstm", example, lambda x: x, lambda y: y[:, :, 0],
           {"frames": {0: "batch", 3: "height", 4: "width"}, "forecast": {0: "batch", 3: "height", 4: "width"}},
           a.out_dir)
    export(CnnLstm(a.channels, a.leads, a.height, a.width), "cnnlstm", example, lambda x: x.permute(0, 1, 3, 4, 2),
           lambda y: y, {"frames": {0: "batch"}, "forecast": {0: "batch"}}, a.out_dir)
    export(Stacked(a.frames * a.channels, a.leads), "stacked", example,
           lambda x: x.reshape(a.batch, a.frames * a.channels, a.height, a.width), lambda y: y,
           {"frames": grid, "forecast": grid}, a.out_dir)


if __name__ == "__main__":
    main()
