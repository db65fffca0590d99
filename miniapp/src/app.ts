import type { PropsWithChildren } from 'react';
import './app.scss';

/** The pages render themselves; the member session lives in api/session.ts and is read on demand. */
function App({ children }: PropsWithChildren) {
  return children;
}

export default App;
