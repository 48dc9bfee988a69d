/** The public door of the pipeline model (issue 17): the graph, its edits, checks, compile and read-back. */
export * from './graph';
