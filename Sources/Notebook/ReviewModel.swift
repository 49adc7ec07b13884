import Neural
import Tensors

/// The course's movie-review network (lessons 09–11): `hidden`-`hidden`-1 on multi-hot
/// reviews of `words` words, ReLU hidden layers and a sigmoid output, with an optional weight
/// penalty on the hidden layers (lesson 10) or Dropout after each (lesson 11). Its weights
/// come from `SeededGenerator(seed: seed)`, drawn in the same order whatever the variant, so
/// the same seed gives the same starting network, and the same numbers, in every lesson that
/// trains it (given the same data: each lesson splits the reviews with a generator of its own
/// seed, `SeededGenerator(seed: notebook.seed)`).
///
/// Returns the network and the generator to pass on to `fit` (its shuffles and dropout masks).
public func reviewNetwork(words: Int, hidden: Int = 16, regularizer: Regularizer? = nil, dropout: Double? = nil,
                          seed: UInt64) -> (network: Sequential<Float>, rng: SeededGenerator) {
    var rng = SeededGenerator(seed: seed)
    let first = Dense<Float>(inputs: words, units: hidden, activation: .relu, regularizer: regularizer, using: &rng)
    let second = Dense<Float>(inputs: hidden, units: hidden, activation: .relu, regularizer: regularizer, using: &rng)
    let output = Dense<Float>(inputs: hidden, units: 1, activation: .sigmoid, using: &rng)
    let layers: [any Layer<Float>] = dropout.map { rate in [first, Dropout(rate: rate), second, Dropout(rate: rate), output] }
        ?? [first, second, output]
    return (Sequential<Float>(inputShape: [words], layers: layers), rng)
}
