// Element-wise arithmetic with numpy broadcasting.
//
// Every operator below names an operation (`.add`, `.exp`, …); one specialized function per
// kind (`binary`, `unary`) switches on it once and then runs a tight loop with the scalar
// formula inlined, so `a + b` on a million floats runs at memory speed.

/// A binary element-wise operation.
@usableFromInline
enum BinaryOperation: Sendable {
    case add, subtract, multiply, divide, maximum, minimum, power
    case greater, greaterOrEqual, less, lessOrEqual, equal, notEqual

    var symbol: String {
        switch self {
        case .add: "+"
        case .subtract: "-"
        case .multiply: "*"
        case .divide: "/"
        case .maximum: "max"
        case .minimum: "min"
        case .power: "pow"
        case .greater: ".>"
        case .greaterOrEqual: ".>="
        case .less: ".<"
        case .lessOrEqual: ".<="
        case .equal: ".=="
        case .notEqual: ".!="
        }
    }
}

/// A unary element-wise operation.
@usableFromInline
enum UnaryOperation: Sendable {
    case negate, exp, log, sqrt, abs, square, tanh, atan, sin, cos, log1p, expm1, sign
}

// MARK: - The broadcasting loop

/// How to walk two operands broadcast to one result shape: per axis of the result, the
/// step in each operand (0 along an axis where that operand is repeated). Adjacent axes that
/// are contiguous in both operands are merged, so `(64, 3, 32, 10) + (32, 10)` runs as
/// 192 inner loops of 320 elements.
struct BroadcastPlan {
    var shape: [Int] = []
    var stridesA: [Int] = []
    var stridesB: [Int] = []

    init(result: [Int], a: [Int], b: [Int]) {
        func aligned(_ operand: [Int]) -> [Int] {
            let contiguous = Shape.strides(operand)
            return result.indices.map { axis in
                let i = axis - (result.count - operand.count)
                return i < 0 || operand[i] == 1 ? 0 : contiguous[i]
            }
        }
        let sa = aligned(a), sb = aligned(b)
        for axis in result.indices where result[axis] != 1 {
            if let last = shape.indices.last,
               stridesA[last] == sa[axis] * result[axis], stridesB[last] == sb[axis] * result[axis] {
                // Merge with the previous (outer) axis: one longer run.
                shape[last] *= result[axis]
                stridesA[last] = sa[axis]
                stridesB[last] = sb[axis]
            } else {
                shape.append(result[axis])
                stridesA.append(sa[axis])
                stridesB.append(sb[axis])
            }
        }
    }
}

/// Runs `out[i] = op(a[ia], b[ib])` over every element of the result, in row-major order.
/// `out` may be the same memory as `a` (in-place update) when `a` is not broadcast.
@inline(__always)
func broadcastLoop<S>(_ plan: BroadcastPlan,
                      _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, _ out: UnsafeMutablePointer<S>,
                      _ op: (S, S) -> S) {
    let rank = plan.shape.count
    if rank == 0 {
        out[0] = op(a[0], b[0])
        return
    }
    let n = plan.shape[rank - 1], sa = plan.stridesA[rank - 1], sb = plan.stridesB[rank - 1]
    var outer = 1
    for axis in 0..<(rank - 1) { outer *= plan.shape[axis] }
    // The multi-index over the outer axes, in a stack buffer (an Array here cost more than a
    // bias row of 32 additions).
    withUnsafeTemporaryAllocation(of: Int.self, capacity: rank) { counter in
        counter.initialize(repeating: 0)
        var ia = 0, ib = 0
        var o = out
        for _ in 0..<outer {
            let pa = a + ia, pb = b + ib
            if sa == 1 && sb == 1 {
                for i in 0..<n { o[i] = op(pa[i], pb[i]) }
            } else if sa == 1 && sb == 0 {
                let y = pb[0]
                for i in 0..<n { o[i] = op(pa[i], y) }
            } else if sa == 0 && sb == 1 {
                let x = pa[0]
                for i in 0..<n { o[i] = op(x, pb[i]) }
            } else {
                for i in 0..<n { o[i] = op(pa[i * sa], pb[i * sb]) }
            }
            o += n
            // Advance the multi-index over the outer axes, innermost first.
            var axis = rank - 2
            while axis >= 0 {
                counter[axis] += 1
                ia += plan.stridesA[axis]
                ib += plan.stridesB[axis]
                if counter[axis] < plan.shape[axis] { break }
                ia -= plan.stridesA[axis] * plan.shape[axis]
                ib -= plan.stridesB[axis] * plan.shape[axis]
                counter[axis] = 0
                axis -= 1
            }
        }
    }
}

@inline(__always)
func apply<S: TensorScalar>(_ op: BinaryOperation, _ x: S, _ y: S) -> S {
    switch op {
    case .add: x + y
    case .subtract: x - y
    case .multiply: x * y
    case .divide: x / y
    case .maximum: x.isNaN || x > y ? x : y
    case .minimum: x.isNaN || x < y ? x : y
    case .power: S.pow(x, y)
    case .greater: x > y ? 1 : 0
    case .greaterOrEqual: x >= y ? 1 : 0
    case .less: x < y ? 1 : 0
    case .lessOrEqual: x <= y ? 1 : 0
    case .equal: x == y ? 1 : 0
    case .notEqual: x != y ? 1 : 0
    }
}

/// Dispatches once on the operation, then runs the loop with the formula inlined.
@inline(__always)
func dispatchBinary<S: TensorScalar>(_ op: BinaryOperation, _ plan: BroadcastPlan,
                                     _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, _ out: UnsafeMutablePointer<S>) {
    switch op {
    case .add: broadcastLoop(plan, a, b, out) { $0 + $1 }
    case .subtract: broadcastLoop(plan, a, b, out) { $0 - $1 }
    case .multiply: broadcastLoop(plan, a, b, out) { $0 * $1 }
    case .divide: broadcastLoop(plan, a, b, out) { $0 / $1 }
    case .maximum: broadcastLoop(plan, a, b, out) { apply(.maximum, $0, $1) }
    case .minimum: broadcastLoop(plan, a, b, out) { apply(.minimum, $0, $1) }
    case .power: broadcastLoop(plan, a, b, out) { S.pow($0, $1) }
    case .greater: broadcastLoop(plan, a, b, out) { apply(.greater, $0, $1) }
    case .greaterOrEqual: broadcastLoop(plan, a, b, out) { apply(.greaterOrEqual, $0, $1) }
    case .less: broadcastLoop(plan, a, b, out) { apply(.less, $0, $1) }
    case .lessOrEqual: broadcastLoop(plan, a, b, out) { apply(.lessOrEqual, $0, $1) }
    case .equal: broadcastLoop(plan, a, b, out) { apply(.equal, $0, $1) }
    case .notEqual: broadcastLoop(plan, a, b, out) { apply(.notEqual, $0, $1) }
    }
}

/// Element-wise loops over at least this many elements are split between the threads
/// (`Parallelism.threads`): below it, handing half to a worker saves nothing. Measured on the
/// 2-vCPU Xeon, `a * b` (best of 30 × 100): 32,768 elements 6.2 µs on one thread, 6.5 on two;
/// 65,536 (a mini-batch of 128 × 512) 12.6 and 7.7; 131,072 23.8 and 13.7.
let parallelElementCount = 1 << 16

/// Runs `body(range)` on contiguous parts of `0 ..< count` (items of `elementsPerItem` elements
/// each), one part per thread when there are at least `parallelElementCount` elements in all,
/// each part a multiple of `unit` items (except the last), and returns when all are done. Each
/// item is computed once, by the same formula, whatever the split: the results do not depend on
/// the number of threads.
@inline(__always)
func splitWork(_ count: Int, elementsPerItem: Int = 1, multipleOf unit: Int = 1, _ body: (Range<Int>) -> Void) {
    let perItem = Swift.max(1, elementsPerItem)
    let enough = count >= (parallelElementCount + perItem - 1) / perItem   // count · elementsPerItem ≥ parallelElementCount
    let parts = enough ? Swift.min(Parallelism.threads, WorkerPool.shared.workerCount + 1, count) : 1
    guard parts > 1 else {
        body(0 ..< count)
        return
    }
    let chunk = ((count + parts - 1) / parts + unit - 1) / unit * unit
    parallelFor(parts) { part in
        let start = part * chunk
        if start < count { body(start ..< Swift.min(count, start + chunk)) }
    }
}

extension Parallelism {
    /// Runs `body(range)` on contiguous parts of `0 ..< count`, one per thread (`threads`), when
    /// the items hold at least 65,536 elements in all (else one call with the whole range), and
    /// returns when all are done. For loops whose items are independent (the images of a batch):
    /// each item is computed by one thread with the same formula, so the results do not depend
    /// on the number of threads.
    public static func forEachPart(of count: Int, elementsPerItem: Int, _ body: (Range<Int>) -> Void) {
        splitWork(count, elementsPerItem: elementsPerItem, body)
    }
}

/// `dispatchBinary`, with the outermost axis split between the threads: each part runs the
/// same loop over fewer outer indices (a single run in parts of whole 64-byte lines).
@inline(__always)
func dispatchBinarySplit<S: TensorScalar>(_ op: BinaryOperation, _ plan: BroadcastPlan,
                                          _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, _ out: UnsafeMutablePointer<S>) {
    guard let outer = plan.shape.first else {
        dispatchBinary(op, plan, a, b, out)
        return
    }
    let inner = plan.shape.dropFirst().reduce(1, *)
    let (sa, sb) = (plan.stridesA[0], plan.stridesB[0])
    splitWork(outer, elementsPerItem: inner, multipleOf: plan.shape.count == 1 ? 16 : 1) { part in
        var sub = plan
        sub.shape[0] = part.count
        dispatchBinary(op, sub, a + part.lowerBound * sa, b + part.lowerBound * sb, out + part.lowerBound * inner)
    }
}

/// `op(a, b)` element by element, broadcasting the shapes.
@usableFromInline
@_specialize(where S == Float)
@_specialize(where S == Double)
func binary<S: TensorScalar>(_ op: BinaryOperation, _ a: Tensor<S>, _ b: Tensor<S>) -> Tensor<S> {
    let shape = checked("a \(op.symbol) b") { () throws(ShapeError) in try Shape.broadcast(a.shape, b.shape) }
    let plan = BroadcastPlan(result: shape, a: a.shape, b: b.shape)
    return Tensor(shape: shape) { out in
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                guard let o = out.baseAddress, let x = pa.baseAddress, let y = pb.baseAddress else { return }
                dispatchBinarySplit(op, plan, x, y, o)
            }
        }
    }
}

/// `a = op(a, b)` in place; `b` must broadcast to `a`'s shape.
@usableFromInline
@_specialize(where S == Float)
@_specialize(where S == Double)
func binaryInPlace<S: TensorScalar>(_ op: BinaryOperation, _ a: inout Tensor<S>, _ b: Tensor<S>) {
    let shape = checked("a \(op.symbol)= b") { () throws(ShapeError) in try Shape.broadcast(a.shape, b.shape) }
    ensure(shape == a.shape,
                 "a \(op.symbol)= b: the result would have shape \(Shape.describe(shape)), "
                 + "not a's shape \(Shape.describe(a.shape)); write a = a \(op.symbol) b")
    let plan = BroadcastPlan(result: shape, a: a.shape, b: b.shape)
    b.withUnsafeBufferPointer { pb in
        a.withUnsafeMutableBufferPointer { pa in
            guard let x = pa.baseAddress, let y = pb.baseAddress else { return }
            dispatchBinarySplit(op, plan, x, y, x)
        }
    }
}

@inline(__always)
func mapLoop<S>(_ x: UnsafeBufferPointer<S>, _ out: UnsafeMutableBufferPointer<S>, _ f: (S) -> S) {
    for i in 0..<x.count { out[i] = f(x[i]) }
}

/// `op(x)` element by element.
@usableFromInline
@_specialize(where S == Float)
@_specialize(where S == Double)
func unary<S: TensorScalar>(_ op: UnaryOperation, _ x: Tensor<S>) -> Tensor<S> {
    Tensor(shape: x.shape) { whole in
        x.withUnsafeBufferPointer { all in
            splitWork(all.count, multipleOf: 16) { part in   // whole 64-byte lines (16 floats) per part
                unaryLoop(op, UnsafeBufferPointer(rebasing: all[part]), UnsafeMutableBufferPointer(rebasing: whole[part]))
            }
        }
    }
}

/// `out[i] = op(x[i])`, switching on the operation once.
@inline(__always)
func unaryLoop<S: TensorScalar>(_ op: UnaryOperation, _ x: UnsafeBufferPointer<S>, _ out: UnsafeMutableBufferPointer<S>) {
    switch op {
    case .negate: mapLoop(x, out) { -$0 }
    case .exp: S.exp(x, into: out)
    case .log: mapLoop(x, out) { S.log($0) }
    case .sqrt: mapLoop(x, out) { $0.squareRoot() }
    case .abs: mapLoop(x, out) { $0.magnitude }
    case .square: mapLoop(x, out) { $0 * $0 }
    case .tanh: mapLoop(x, out) { S.tanh($0) }
    case .atan: mapLoop(x, out) { S.atan($0) }
    case .sin: mapLoop(x, out) { S.sin($0) }
    case .cos: mapLoop(x, out) { S.cos($0) }
    case .log1p: mapLoop(x, out) { S.log1p($0) }
    case .expm1: mapLoop(x, out) { S.expm1($0) }
    case .sign: mapLoop(x, out) { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
    }
}

// MARK: - Operators

extension Tensor {
    /// Element-wise sum, with broadcasting: `(64, 3, 32, 10) + (32, 10)` adds the matrix to
    /// each of the 64 × 3 slices.
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { binary(.add, lhs, rhs) }
    /// Element-wise difference, with broadcasting.
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { binary(.subtract, lhs, rhs) }
    /// Element-wise (Hadamard) product, with broadcasting. For the matrix product use `matmul`.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { binary(.multiply, lhs, rhs) }
    /// Element-wise quotient, with broadcasting.
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor { binary(.divide, lhs, rhs) }

    public static func + (lhs: Tensor, rhs: Scalar) -> Tensor { binary(.add, lhs, Tensor(rhs)) }
    public static func - (lhs: Tensor, rhs: Scalar) -> Tensor { binary(.subtract, lhs, Tensor(rhs)) }
    public static func * (lhs: Tensor, rhs: Scalar) -> Tensor { binary(.multiply, lhs, Tensor(rhs)) }
    public static func / (lhs: Tensor, rhs: Scalar) -> Tensor { binary(.divide, lhs, Tensor(rhs)) }
    public static func + (lhs: Scalar, rhs: Tensor) -> Tensor { binary(.add, Tensor(lhs), rhs) }
    public static func - (lhs: Scalar, rhs: Tensor) -> Tensor { binary(.subtract, Tensor(lhs), rhs) }
    public static func * (lhs: Scalar, rhs: Tensor) -> Tensor { binary(.multiply, Tensor(lhs), rhs) }
    public static func / (lhs: Scalar, rhs: Tensor) -> Tensor { binary(.divide, Tensor(lhs), rhs) }

    /// Element-wise negation.
    public static prefix func - (x: Tensor) -> Tensor { unary(.negate, x) }

    /// In-place updates; the right side must broadcast to the left side's shape.
    /// `weights -= learningRate * gradient` writes into `weights`' own storage.
    public static func += (lhs: inout Tensor, rhs: Tensor) { binaryInPlace(.add, &lhs, rhs) }
    public static func -= (lhs: inout Tensor, rhs: Tensor) { binaryInPlace(.subtract, &lhs, rhs) }
    public static func *= (lhs: inout Tensor, rhs: Tensor) { binaryInPlace(.multiply, &lhs, rhs) }
    public static func /= (lhs: inout Tensor, rhs: Tensor) { binaryInPlace(.divide, &lhs, rhs) }
    public static func += (lhs: inout Tensor, rhs: Scalar) { binaryInPlace(.add, &lhs, Tensor(rhs)) }
    public static func -= (lhs: inout Tensor, rhs: Scalar) { binaryInPlace(.subtract, &lhs, Tensor(rhs)) }
    public static func *= (lhs: inout Tensor, rhs: Scalar) { binaryInPlace(.multiply, &lhs, Tensor(rhs)) }
    public static func /= (lhs: inout Tensor, rhs: Scalar) { binaryInPlace(.divide, &lhs, Tensor(rhs)) }

    // Comparisons give masks: 1 where the comparison holds, 0 elsewhere.
    // `(s .> 0) * delta` keeps delta where a ReLU was active.

    /// 1 where `lhs > rhs`, else 0.
    public static func .> (lhs: Tensor, rhs: Tensor) -> Tensor { binary(.greater, lhs, rhs) }
    /// 1 where `lhs >= rhs`, else 0.
    public static func .>= (lhs: Tensor, rhs: Tensor) -> Tensor { binary(.greaterOrEqual, lhs, rhs) }
    /// 1 where `lhs < rhs`, else 0.
    public static func .< (lhs: Tensor, rhs: Tensor) -> Tensor { binary(.less, lhs, rhs) }
    /// 1 where `lhs <= rhs`, else 0.
    public static func .<= (lhs: Tensor, rhs: Tensor) -> Tensor { binary(.lessOrEqual, lhs, rhs) }
    /// 1 where `lhs == rhs`, else 0.
    public static func .== (lhs: Tensor, rhs: Tensor) -> Tensor { binary(.equal, lhs, rhs) }
    /// 1 where `lhs != rhs`, else 0.
    public static func .!= (lhs: Tensor, rhs: Tensor) -> Tensor { binary(.notEqual, lhs, rhs) }
    public static func .> (lhs: Tensor, rhs: Scalar) -> Tensor { binary(.greater, lhs, Tensor(rhs)) }
    public static func .>= (lhs: Tensor, rhs: Scalar) -> Tensor { binary(.greaterOrEqual, lhs, Tensor(rhs)) }
    public static func .< (lhs: Tensor, rhs: Scalar) -> Tensor { binary(.less, lhs, Tensor(rhs)) }
    public static func .<= (lhs: Tensor, rhs: Scalar) -> Tensor { binary(.lessOrEqual, lhs, Tensor(rhs)) }
    public static func .== (lhs: Tensor, rhs: Scalar) -> Tensor { binary(.equal, lhs, Tensor(rhs)) }
    public static func .!= (lhs: Tensor, rhs: Scalar) -> Tensor { binary(.notEqual, lhs, Tensor(rhs)) }

    /// Applies `transform` to every element. For the rare custom formula; the named
    /// functions (`exp`, `max`, …) are faster.
    public func map(_ transform: (Scalar) throws -> Scalar) rethrows -> Tensor {
        try withUnsafeBufferPointer { x in
            Tensor(shape: shape, scalars: try x.map(transform))
        }
    }
}

// MARK: - The weight update in one pass

extension Tensor {
    /// w ← w − η g, element by element, written into this tensor's own memory (PyTorch's
    /// `w.sub_(g, alpha: η)`, BLAS's axpy): the weight update rule. The same numbers as
    /// `w = w - eta * g` (each η·g is rounded, then subtracted), without writing η·g out as a
    /// tensor of its own, nor a new w: when nothing else holds w's elements, nothing is
    /// allocated (otherwise they are copied first, as any mutation of a shared tensor does).
    ///
    /// - Precondition: `g` has this tensor's shape.
    public mutating func subtract(_ eta: Scalar, times g: Tensor) {
        checkUpdateShapes(g, "w.subtract(eta, times: g)")
        withUnsafeMutableBufferPointer { w in g.withUnsafeBufferPointer { g in subtractScaled(w, eta, g) } }
    }

    /// `self − eta · g` as a new tensor, the same numbers as `subtract(_:times:)`.
    public func subtracting(_ eta: Scalar, times g: Tensor) -> Tensor {
        checkUpdateShapes(g, "w.subtracting(eta, times: g)")
        var w = self
        w.subtract(eta, times: g)
        return w
    }

    private func checkUpdateShapes(_ g: Tensor, _ call: String) {
        ensure(g.shape == shape, "\(call): g has shape \(Shape.describe(g.shape)), w has shape \(Shape.describe(shape))")
    }
}

@usableFromInline
@_specialize(where S == Float)
@_specialize(where S == Double)
func subtractScaled<S: TensorScalar>(_ w: UnsafeMutableBufferPointer<S>, _ eta: S, _ g: UnsafeBufferPointer<S>) {
    splitWork(w.count, multipleOf: 16) { part in   // whole 64-byte lines (16 floats) per part
        for i in part { w[i] = w[i] - eta * g[i] }
    }
}

// MARK: - Element-wise functions

/// e^x for every element.
public func exp<S>(_ x: Tensor<S>) -> Tensor<S> { unary(.exp, x) }
/// ln x (natural logarithm) for every element.
public func log<S>(_ x: Tensor<S>) -> Tensor<S> { unary(.log, x) }
/// √x for every element.
public func sqrt<S>(_ x: Tensor<S>) -> Tensor<S> { unary(.sqrt, x) }
/// |x| for every element.
public func abs<S>(_ x: Tensor<S>) -> Tensor<S> { unary(.abs, x) }
/// x² for every element.
public func square<S>(_ x: Tensor<S>) -> Tensor<S> { unary(.square, x) }
/// tanh x for every element.
public func tanh<S>(_ x: Tensor<S>) -> Tensor<S> { unary(.tanh, x) }
/// arctan x for every element.
public func atan<S>(_ x: Tensor<S>) -> Tensor<S> { unary(.atan, x) }
/// sin x for every element.
public func sin<S>(_ x: Tensor<S>) -> Tensor<S> { unary(.sin, x) }
/// cos x for every element.
public func cos<S>(_ x: Tensor<S>) -> Tensor<S> { unary(.cos, x) }
/// ln(1 + x) for every element, accurate near 0.
public func log1p<S>(_ x: Tensor<S>) -> Tensor<S> { unary(.log1p, x) }
/// e^x − 1 for every element, accurate near 0.
public func expm1<S>(_ x: Tensor<S>) -> Tensor<S> { unary(.expm1, x) }
/// −1, 0 or 1 by the sign of every element.
public func sign<S>(_ x: Tensor<S>) -> Tensor<S> { unary(.sign, x) }
/// x^p for every element.
public func pow<S>(_ x: Tensor<S>, _ p: S) -> Tensor<S> { binary(.power, x, Tensor(p)) }
/// x^p element by element, with broadcasting.
public func pow<S>(_ x: Tensor<S>, _ p: Tensor<S>) -> Tensor<S> { binary(.power, x, p) }
/// The larger of each element and `s`: `max(x, 0)` is ReLU. NaN stays NaN.
public func max<S>(_ x: Tensor<S>, _ s: S) -> Tensor<S> { binary(.maximum, x, Tensor(s)) }
/// The smaller of each element and `s`. NaN stays NaN.
public func min<S>(_ x: Tensor<S>, _ s: S) -> Tensor<S> { binary(.minimum, x, Tensor(s)) }
/// The larger of two tensors element by element, with broadcasting.
public func max<S>(_ x: Tensor<S>, _ y: Tensor<S>) -> Tensor<S> { binary(.maximum, x, y) }
/// The smaller of two tensors element by element, with broadcasting.
public func min<S>(_ x: Tensor<S>, _ y: Tensor<S>) -> Tensor<S> { binary(.minimum, x, y) }
/// Every element limited to `[lower, upper]`.
public func clip<S>(_ x: Tensor<S>, _ lower: S, _ upper: S) -> Tensor<S> { min(max(x, lower), upper) }
