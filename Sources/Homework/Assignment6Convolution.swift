import Foundation
import Tensors

// Assignment 6 · Convolution and max pooling (lesson 14). Images are channels last:
// x is (batch, height, width, channels); a filter bank W is (kh, kw, channels, filters).

/// 6a. The forward pass of a convolution layer, 'valid' padding, stride `stride`, computed as
/// deep-learning libraries do (cross-correlation, the kernel not flipped):
///
///     s[n, i, j, k] = Σ_{a, b, c} x[n, i·stride + a, j·stride + b, c] · W[a, b, c, k] + bias[k]
///
/// The output is (batch, (height − kh)/stride + 1, (width − kw)/stride + 1, filters).
public func conv2DForward(_ x: Tensor<Double>, weights: Tensor<Double>, bias: Tensor<Double>, stride: Int) throws -> Tensor<Double> {
    // BEGIN SOLUTION
    let (batch, height, width, channels) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (kh, kw, filters) = (weights.shape[0], weights.shape[1], weights.shape[3])
    let (oh, ow) = ((height - kh) / stride + 1, (width - kw) / stride + 1)
    var s = Tensor<Double>.zeros([batch, oh, ow, filters])
    for n in 0..<batch { for i in 0..<oh { for j in 0..<ow { for k in 0..<filters {
        var sum = bias[k]
        for a in 0..<kh { for b in 0..<kw { for c in 0..<channels {
            sum += x[at: [n, i * stride + a, j * stride + b, c]] * weights[at: [a, b, c, k]]
        } } }
        s[at: [n, i, j, k]] = sum
    } } } }
    return s
    // END SOLUTION
}

/// 6b. Its backward pass, given g = ∂E/∂s (same shape as the output of 6a):
///
///     ∂E/∂W[a, b, c, k] = Σ_{n, i, j} g[n, i, j, k] · x[n, i·stride + a, j·stride + b, c]
///     ∂E/∂bias[k]       = Σ_{n, i, j} g[n, i, j, k]
///     ∂E/∂x[n, p, q, c] = Σ over every (i, j, a, b, k) with i·stride + a = p and j·stride + b = q
///                         of g[n, i, j, k] · W[a, b, c, k]      (an input feeds several outputs: add)
public func conv2DBackward(_ outputGradient: Tensor<Double>, input x: Tensor<Double>, weights: Tensor<Double>, stride: Int) throws
    -> (inputGradient: Tensor<Double>, weightGradient: Tensor<Double>, biasGradient: Tensor<Double>) {
    // BEGIN SOLUTION
    let (batch, channels) = (x.shape[0], x.shape[3])
    let (kh, kw, filters) = (weights.shape[0], weights.shape[1], weights.shape[3])
    let (oh, ow) = (outputGradient.shape[1], outputGradient.shape[2])
    var dx = Tensor<Double>.zeros(x.shape), dw = Tensor<Double>.zeros(weights.shape), db = Tensor<Double>.zeros([filters])
    for n in 0..<batch { for i in 0..<oh { for j in 0..<ow { for k in 0..<filters {
        let g = outputGradient[at: [n, i, j, k]]
        db[k] += g
        for a in 0..<kh { for b in 0..<kw { for c in 0..<channels {
            let position = [n, i * stride + a, j * stride + b, c]
            dw[at: [a, b, c, k]] += g * x[at: position]
            dx[at: position] += g * weights[at: [a, b, c, k]]
        } } }
    } } } }
    return (dx, dw, db)
    // END SOLUTION
}

/// 6c. Max pooling over windows of `size` × `size` moved by `size` (no overlap, 'valid'): each
/// output is the largest of its window, channel by channel. Output (batch, h/size, w/size, channels),
/// rounding down.
public func maxPoolForward(_ x: Tensor<Double>, size: Int) throws -> Tensor<Double> {
    // BEGIN SOLUTION
    let (batch, oh, ow, channels) = (x.shape[0], x.shape[1] / size, x.shape[2] / size, x.shape[3])
    var y = Tensor<Double>.zeros([batch, oh, ow, channels])
    for n in 0..<batch { for i in 0..<oh { for j in 0..<ow { for c in 0..<channels {
        var best = -Double.infinity
        for a in 0..<size { for b in 0..<size { best = max(best, x[at: [n, i * size + a, j * size + b, c]]) } }
        y[at: [n, i, j, c]] = best
    } } } }
    return y
    // END SOLUTION
}

/// 6d. Its backward pass: each output's gradient goes to the one input that was the maximum of
/// its window (the first one in reading order, row by row, if several are equal); every other
/// input gets 0.
public func maxPoolBackward(_ outputGradient: Tensor<Double>, input x: Tensor<Double>, size: Int) throws -> Tensor<Double> {
    // BEGIN SOLUTION
    var dx = Tensor<Double>.zeros(x.shape)
    for n in 0..<outputGradient.shape[0] { for i in 0..<outputGradient.shape[1] { for j in 0..<outputGradient.shape[2] {
        for c in 0..<outputGradient.shape[3] {
            var best = -Double.infinity, at = [0, 0, 0, 0]
            for a in 0..<size { for b in 0..<size {
                let position = [n, i * size + a, j * size + b, c]
                if x[at: position] > best { best = x[at: position]; at = position }
            } }
            dx[at: at] += outputGradient[at: [n, i, j, c]]
        }
    } } }
    return dx
    // END SOLUTION
}
