/// Lesson 15 · Automatic differentiation
///
/// The one concept: the chain rule can be applied mechanically. Record every operation of a
/// computation as a node that keeps its inputs and its local derivatives; then one pass from the
/// output back to the inputs, in reverse topological order, multiplies and adds those local
/// derivatives into every gradient. This is reverse-mode autodiff, what PyTorch's autograd
/// and TensorFlow's GradientTape do; Backprop's layers do the same by hand, layer by layer.
import Foundation
import Neural
import Notebook
import Plotting
import Tensors

let notebook = LessonNotebook(
    lesson: 15, title: "Automatic differentiation",
    concept: "Every value computed from other values records them and the local derivative of the operation that "
        + "made it. Backward from the output, each node hands its gradient to its parents multiplied by the local "
        + "derivative (the chain rule), and a parent used by several nodes adds up what it receives.",
    formulas: ["node v = op(a, b):  keeps a, b and ∂v/∂a, ∂v/∂b",
               "backward:  ∂f/∂f = 1;  for v in reverse topological order:  ∂f/∂a += ∂v/∂a · ∂f/∂v",
               "f(x, y, z) = xy + z:   ∂f/∂x = y,  ∂f/∂y = x,  ∂f/∂z = 1"])

// MARK: - The engine
notebook.section("A tiny reverse-mode autodiff on scalars")
notebook.say("""
    Each node holds its value, its gradient (filled in by backward), and its parents with the local \
    derivative of the operation, computed right beside the value. Nodes live in one array and refer to their \
    parents by index, so a graph of any depth is freed without recursion.
    """)

/// One value of the computation.
struct Node {
    var value: Double
    /// ∂f/∂(this value), filled in by `backward`.
    var gradient = 0.0
    /// The inputs of the operation and ∂(this value)/∂(input) for each.
    var parents: [(index: Int, local: Double)]
    var operation: String
    var label: String
}

/// The recorded computation: every operation appends a node. (A class: the values below all
/// record into the one graph they come from.)
final class Graph {
    var nodes: [Node] = []

    func record(_ value: Double, _ parents: [(index: Int, local: Double)], _ operation: String, _ label: String = "") -> Int {
        nodes.append(Node(value: value, parents: parents, operation: operation, label: label))
        return nodes.count - 1
    }
    func value(_ i: Int) -> Double { nodes[i].value }

    func input(_ value: Double, _ label: String) -> Int { record(value, [], "input", label) }
    // The local derivatives, next to each operation:
    func add(_ a: Int, _ b: Int) -> Int { record(value(a) + value(b), [(a, 1), (b, 1)], "+") }                  // ∂/∂a = 1, ∂/∂b = 1
    func multiply(_ a: Int, _ b: Int) -> Int { record(value(a) * value(b), [(a, value(b)), (b, value(a))], "×") } // ∂/∂a = b, ∂/∂b = a
    func tanh(_ a: Int) -> Int {
        let t = Foundation.tanh(value(a))
        return record(t, [(a, 1 - t * t)], "tanh")                                                                      // 1 − tanh²
    }
    func sigmoid(_ a: Int) -> Int {
        let s = 1 / (1 + exp(-value(a)))
        return record(s, [(a, s * (1 - s))], "σ")                                                                       // σ(1 − σ)
    }
    func log(_ a: Int) -> Int { record(Foundation.log(value(a)), [(a, 1 / value(a))], "ln") }                  // 1/a
    func scale(_ a: Int, by c: Double) -> Int { record(c * value(a), [(a, c)], "×\(c)") }                      // c

    /// The nodes `root` depends on, each after all of its parents: a depth-first search with an
    /// explicit stack (a recursive one overflows the call stack on a graph 100,000 nodes deep).
    func topologicalOrder(from root: Int) -> [Int] {
        var order: [Int] = [], visited = Set<Int>()
        var stack: [(node: Int, parentsDone: Bool)] = [(root, false)]
        while let (node, parentsDone) = stack.popLast() {
            if parentsDone {
                order.append(node)          // every parent is already in `order`
                continue
            }
            guard visited.insert(node).inserted else { continue }
            stack.append((node, true))      // come back to it after its parents
            for parent in nodes[node].parents where !visited.contains(parent.index) { stack.append((parent.index, false)) }
        }
        return order
    }

    /// ∂f/∂v for every node v that f = `root` depends on.
    func backward(from root: Int) {
        for i in nodes.indices { nodes[i].gradient = 0 }
        nodes[root].gradient = 1                                       // ∂f/∂f = 1
        for v in topologicalOrder(from: root).reversed() {
            for parent in nodes[v].parents {
                nodes[parent.index].gradient += parent.local * nodes[v].gradient   // the chain rule, accumulated
            }
        }
    }
}

/// A node seen as a number, so a computation reads as its maths, the way micrograd's `Value`
/// does: `x * y + z` records exactly the nodes `graph.add(graph.multiply(x, y), z)` records.
struct Value {
    let graph: Graph
    let index: Int
    var value: Double { graph.value(index) }
    var gradient: Double { graph.nodes[index].gradient }
    var label: String {
        get { graph.nodes[index].label }
        nonmutating set { graph.nodes[index].label = newValue }
    }
    /// Fills in ∂(this value)/∂v for every value v it depends on.
    func backward() { graph.backward(from: index) }

    static func + (a: Value, b: Value) -> Value { Value(graph: a.graph, index: a.graph.add(a.index, b.index)) }
    static func * (a: Value, b: Value) -> Value { Value(graph: a.graph, index: a.graph.multiply(a.index, b.index)) }
    static func * (c: Double, a: Value) -> Value { Value(graph: a.graph, index: a.graph.scale(a.index, by: c)) }
    /// c − a, recorded as (−1 · a) + c.
    static func - (c: Double, a: Value) -> Value { -1 * a + a.graph.variable(c, formatNumber("%g", c)) }
}
func tanh(_ a: Value) -> Value { Value(graph: a.graph, index: a.graph.tanh(a.index)) }
func sigmoid(_ a: Value) -> Value { Value(graph: a.graph, index: a.graph.sigmoid(a.index)) }
func log(_ a: Value) -> Value { Value(graph: a.graph, index: a.graph.log(a.index)) }
extension Graph {
    /// A new input, as a value to compute with.
    func variable(_ value: Double, _ label: String) -> Value { Value(graph: self, index: input(value, label)) }
}

// MARK: - f = xy + z
notebook.section("The course's example: f(x, y, z) = xy + z")
notebook.say("The slides give no values; CS231n's x = −2, y = 5, z = −4:")
let graph = Graph()
let x = graph.variable(-2, "x"), y = graph.variable(5, "y"), z = graph.variable(-4, "z")
let q = x * y                         // graph.multiply: a node with ∂q/∂x = y, ∂q/∂y = x
let f = q + z                         // graph.add: a node with ∂f/∂q = 1, ∂f/∂z = 1
q.label = "q"
f.label = "f"
f.backward()
notebook.table(["node", "operation", "forward value", "gradient ∂f/∂node", "by hand"], [
    ["x", "input", formatNumber("%g", x.value), formatNumber("%g", x.gradient), "∂f/∂x = y = 5"],
    ["y", "input", formatNumber("%g", y.value), formatNumber("%g", y.gradient), "∂f/∂y = x = −2"],
    ["z", "input", formatNumber("%g", z.value), formatNumber("%g", z.gradient), "∂f/∂z = 1"],
    ["q", "x × y", formatNumber("%g", q.value), formatNumber("%g", q.gradient), "∂f/∂q = 1"],
    ["f", "q + z", formatNumber("%g", f.value), formatNumber("%g", f.gradient), "∂f/∂f = 1"],
])
let visitOrder = graph.topologicalOrder(from: f.index).reversed().map { graph.nodes[$0].label }
notebook.say("""
    Backward visits \(visitOrder.joined(separator: ", ")): every node after all the nodes that use it. The + \
    node passes its gradient to both inputs unchanged (local derivatives 1); the × node passes it to each input \
    multiplied by the other input.
    """)
notebook.record("partials", [x.gradient, y.gradient, z.gradient])
notebook.record("f", f.value)

// MARK: - A network three ways
notebook.section("A small network's gradients three ways")
notebook.say("""
    A 2-3-1 network (tanh hidden units, a sigmoid output) and the binary cross-entropy averaged over four \
    examples. Its gradients by the autodiff above (the loss built node by node from every weight), by the \
    library's hand-written backward passes (Dense.backward, the fused δ = ŷ − y), and by centred finite differences:
    """)
var rng = notebook.rng
let examples = Tensor<Double>.normal([4, 2], using: &rng)
let targets = Tensor<Double>(shape: [4, 1], scalars: [1, 0, 0, 1])
let network = Sequential<Double>(inputShape: [2], layers: [
    Dense(inputs: 2, units: 3, activation: .tanh, using: &rng),
    Dense(inputs: 3, units: 1, activation: .sigmoid, using: &rng),
])
/// The mean binary cross-entropy of the network with these parameters, recorded as a graph;
/// returns the loss node and the node of every parameter (layer by layer, weights then bias).
func recordLoss(_ parameters: [[Tensor<Double>]], in graph: Graph) -> (loss: Value, parameterNodes: [[[Value]]]) {
    let parameterNodes = parameters.map { layer in layer.map { tensor in tensor.scalars.map { graph.variable($0, "θ") } } }
    let (w1, b1, w2, b2) = (parameterNodes[0][0], parameterNodes[0][1], parameterNodes[1][0], parameterNodes[1][1])
    var terms: [Value] = []
    for n in 0..<examples.shape[0] {
        let inputs = [graph.variable(examples[n, 0], "x1"), graph.variable(examples[n, 1], "x2")]
        // hidden unit j: tanh(Σ_i w_ij x_i + b_j); weights are row-major (inputs, units)
        let hidden = (0..<3).map { j -> Value in
            var s = b1[j]
            for i in 0..<2 { s = s + w1[i * 3 + j] * inputs[i] }
            return tanh(s)
        }
        var s = b2[0]
        for j in 0..<3 { s = s + w2[j] * hidden[j] }
        let output = sigmoid(s)
        // e = −[y ln ŷ + (1 − y) ln(1 − ŷ)]: only one term is nonzero for y ∈ {0, 1}
        let probability = targets[n, 0] == 1 ? output : 1 - output
        terms.append(log(probability))
    }
    var sum = terms[0]
    for term in terms.dropFirst() { sum = sum + term }
    return (-1 / Double(terms.count) * sum, parameterNodes)
}
let netGraph = Graph()
let (lossNode, parameterNodes) = recordLoss(network.parameters, in: netGraph)
lossNode.backward()
var libraryNetwork = network
var context = Context.inference
let (output, caches) = libraryNetwork.forward(examples, context: &context)
let backprop = libraryNetwork.backward(output: output, target: targets, loss: BinaryCrossentropy(), caches: caches)
/// The loss recomputed by the autodiff graph's forward pass with one parameter moved by `delta`.
func lossWith(layer: Int, parameter: Int, element: Int, delta: Double) -> Double {
    var moved = network.parameters
    moved[layer][parameter].withUnsafeMutableBufferPointer { $0[element] += delta }
    return recordLoss(moved, in: Graph()).loss.value
}
var rows: [[String]] = [], worst = 0.0, worstNumeric = 0.0
let names = ["W¹", "b¹", "W²", "b²"]
for layer in 0..<2 {
    for parameter in 0..<2 {
        for element in 0..<network.parameters[layer][parameter].count {
            let auto = parameterNodes[layer][parameter][element].gradient
            let hand = backprop[layer][parameter].scalars[element]
            let h = 1e-6
            let numeric = (lossWith(layer: layer, parameter: parameter, element: element, delta: h)
                           - lossWith(layer: layer, parameter: parameter, element: element, delta: -h)) / (2 * h)
            worst = max(worst, abs(auto - hand))
            worstNumeric = max(worstNumeric, abs(auto - numeric))
            rows.append(["\(names[layer * 2 + parameter])[\(element)]", formatNumber("%+.12f", auto), formatNumber("%+.12f", hand),
                         formatNumber("%+.9f", numeric), formatNumber("%.1e", abs(auto - hand))])
        }
    }
}
notebook.table(["parameter", "autodiff", "hand-written backprop", "finite differences", "|autodiff − backprop|"], rows)
notebook.say("""
    \(rows.count) gradients. Autodiff and the hand-written backward passes agree to \(formatNumber("%.0e", max(worst, 1e-17))) \
    (rounding: the same sums in a different order); finite differences agree to \(formatNumber("%.0e", worstNumeric)), their own accuracy \
    (the rounding of the loss divided by h = 1e-6). \
    The graph for four examples holds \(grouped(netGraph.nodes.count)) scalar nodes; a layer's matrix product is \
    one node per multiply-add here, which is why real autodiff records whole tensors per node.
    """)
notebook.record("autodiffVersusBackprop", worst)
notebook.record("autodiffVersusFiniteDifferences", worstNumeric)

// MARK: - A deep graph
notebook.section("A graph 100,000 nodes deep")
let depth = notebook.size(100_000, quick: 100_000)
notebook.say("""
    A chain of \(grouped(depth)) operations, v ← tanh(v) · 1.01 + 0.01·x repeated: a recursive topological sort \
    would need \(grouped(depth)) nested calls and overflow the call stack; the explicit stack above does not care.
    """)
let chain = Graph()
let start = chain.variable(0.3, "x")
var v = start
for _ in 0..<(depth / 3) {
    v = 1.01 * tanh(v) + 0.01 * start
}
let clock = ContinuousClock()
let began = clock.now
v.backward()
let seconds = (clock.now - began).seconds
/// The chain's output for input `x0`, recomputed directly.
func chainOutput(_ x0: Double) -> Double {
    var value = x0
    for _ in 0..<(depth / 3) { value = 1.01 * Foundation.tanh(value) + 0.01 * x0 }
    return value
}
let numericChain = (chainOutput(0.3 + 1e-6) - chainOutput(0.3 - 1e-6)) / 2e-6
notebook.show("nodes in the graph", grouped(chain.nodes.count))
notebook.show("∂v/∂x by autodiff", formatNumber("%.10f", start.gradient))
notebook.show("∂v/∂x by finite differences", formatNumber("%.10f", numericChain))
notebook.timing("backward over \(grouped(chain.nodes.count)) nodes: \(formatNumber("%.3f", seconds)) s")
notebook.record("deepNodes", chain.nodes.count)
notebook.record("deepRelativeError", abs(start.gradient - numericChain) / max(abs(numericChain), 1e-12))

// MARK: - Figures
notebook.section("Figures")
// The graph of f = xy + z, left to right: inputs, the product, the sum.
// (An array, not a dictionary: a dictionary's order changes from run to run, the data file must not.)
let layout: [(node: Int, position: (Double, Double))] = [(x.index, (0, 2)), (y.index, (0, 1)), (z.index, (0, 0)), (q.index, (1, 1.5)),
                                                           (f.index, (2, 0.75))]
func position(_ node: Int) -> (Double, Double) { layout.first { $0.node == node }!.position }
var edges: [(from: (Double, Double), to: (Double, Double))] = []
for (node, p) in layout {
    for parent in graph.nodes[node].parents { edges.append((position(parent.index), p)) }
}
let labels = layout.map { node, p -> String in
    let n = graph.nodes[node]
    let name = [q.index: "q = x × y", f.index: "f = q + z"][node] ?? n.label
    let text = "\(name)\\nvalue \(formatNumber("%g", n.value))\\ngradient \(formatNumber("%g", n.gradient))"
    return "set label \"\(text)\" at \(p.0),\(p.1 - 0.22) center front"
}
notebook.figure(Figure(name: "lesson15-graph", panel: Panel(
    title: "f(x, y, z) = xy + z at x = −2, y = 5, z = −4: forward values and backward gradients",
    xRange: -0.4...2.4, yRange: -0.6...2.4,
    series: [Series("", x: edges.map(\.from.0), y: edges.map(\.from.1),
                    style: .vectors(dx: edges.map { $0.to.0 - $0.from.0 }, dy: edges.map { $0.to.1 - $0.from.1 }), color: "#888888"),
             Series("", x: layout.map(\.position.0), y: layout.map(\.position.1), style: .points, color: seriesColors[0],
                    pointType: 7, pointSize: 3)],
    legend: .hidden, showGrid: false, hideAxes: true, commands: labels), width: 800, height: 500),
                caption: "the computation graph: each node with its forward value and its gradient ∂f/∂node", main: true)
// The same graph as Graphviz DOT, drawn only if `dot` happens to be installed (not a dependency).
let dot = "digraph f {\n  rankdir=LR;\n" + layout.map(\.node).map { node in
    let n = graph.nodes[node]
    return "  n\(node) [label=\"\(n.label) \(n.operation == "input" ? "" : n.operation)\\nvalue \(formatNumber("%g", n.value))\\ngradient \(formatNumber("%g", n.gradient))\"];"
}.joined(separator: "\n") + "\n" + layout.map(\.node).flatMap { node in
    graph.nodes[node].parents.map { "  n\($0.index) -> n\(node);" }
}.joined(separator: "\n") + "\n}\n"
notebook.writeData("lesson15-graph.dot", dot)
let dotPath = ["/usr/bin/dot", "/usr/local/bin/dot", "/opt/homebrew/bin/dot"].first { FileManager.default.isExecutableFile(atPath: $0) }
if let dotPath, !notebook.options.noPlots {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: dotPath)
    process.arguments = ["-Tpng", "-o", notebook.outputFolder.appendingPathComponent("lesson15-graph-dot.png").path,
                         notebook.outputFolder.appendingPathComponent("lesson15-graph.dot").path]
    try? process.run()
    process.waitUntilExit()
    notebook.say("Graphviz's dot is installed: lesson15-graph-dot.png is the same graph drawn by it.")
} else {
    notebook.say("""
        The graph is also written as Graphviz DOT (lesson15-graph.dot); with Graphviz installed, \
        `dot -Tpng lesson15-graph.dot -o graph.png` draws it. It is not needed for anything else.
        """)
}

notebook.finish()
