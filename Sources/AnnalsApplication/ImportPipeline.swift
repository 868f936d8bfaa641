import AnnalsCore
import AnnalsRecords

/// An import on every core: one thread reads the inputs, a second does the work each record needs
/// without the store (checking it, planning its create: `ImportPlanner`), and the calling thread,
/// which holds the write transaction, looks up current states and appends. At most `depth` items
/// wait between two stages, so memory stays bounded whatever the input's size.
///
/// A failure anywhere ends every stage: a reader's error is thrown here once the records read
/// before it are consumed; a consumer's error stops the stages before it (at their next record)
/// and is thrown.
enum ImportPipeline {
    /// What reads one input, handing each item to the closure it is given.
    typealias Reader = ((ImportItem) throws -> Void) throws -> Void

    /// Reads `readers` in order, prepares each item with `planner`, and calls `consume` with each
    /// on this thread, in input order.
    static func run(_ readers: [Reader], planner: ImportPlanner, depth: Int = 512,
                    consume: (PreparedImportItem) throws -> Void) throws {
        let read = HandOff<ImportItem>(depth: depth), planned = HandOff<PreparedImportItem>(depth: depth)
        let handed = HandedReaders(readers: readers)
        read.fill(onThread: "annals import reader") {
            for reader in handed.readers { try reader { try read.put($0) } }
        }
        planned.fill(onThread: "annals import planner") {
            // However this stage ends, the reader ends too (at once when it has finished already).
            defer { read.stop() }
            while let items = try read.take() {
                for item in items { try planned.put(planner.prepare(item)) }
            }
        }
        do {
            while let items = try planned.take() {
                for item in items { try consume(item) }
            }
        } catch {
            planned.stop()
            throw error
        }
    }

    /// The readers, on their way to the thread that alone runs them.
    private struct HandedReaders: @unchecked Sendable {
        let readers: [Reader]
    }
}
