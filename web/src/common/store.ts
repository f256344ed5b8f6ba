// One store a page: the state in one object, changed only by named actions through a reducer, and views that
// subscribe to the parts of it they draw (a zoom redraws the graph, not the thread list).

export interface Store<S, A, P> {
  get(): S;
  dispatch(action: A): void;
  /** Calls `view` after every action that changed one of `parts`, in the order views subscribed. */
  subscribe(parts: readonly P[], view: (state: S, changed: ReadonlySet<P>, action: A) => void): void;
}

export function createStore<S, A, P>(initial: S, reduce: (state: S, action: A) => { state: S; changed: Set<P> }): Store<S, A, P> {
  let state = initial;
  const views: { parts: readonly P[]; view: (state: S, changed: ReadonlySet<P>, action: A) => void }[] = [];
  return {
    get: () => state,
    dispatch(action) {
      const result = reduce(state, action);
      state = result.state;
      for (const v of views) if (v.parts.some((p) => result.changed.has(p))) v.view(state, result.changed, action);
    },
    subscribe(parts, view) {
      views.push({ parts, view });
    },
  };
}
