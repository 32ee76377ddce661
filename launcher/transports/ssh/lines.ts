/** Turning a byte stream into lines as they complete (the last partial line on end). */
export interface LineSplitter {
  push(chunk: Buffer | string): void;
  end(): void;
}

export function lineSplitter(onLine: (line: string) => void): LineSplitter {
  let rest = '';
  return {
    push(chunk) {
      rest += chunk.toString();
      let nl = rest.indexOf('\n');
      while (nl >= 0) {
        onLine(rest.slice(0, nl).replace(/\r$/, ''));
        rest = rest.slice(nl + 1);
        nl = rest.indexOf('\n');
      }
    },
    end() {
      if (rest !== '') onLine(rest.replace(/\r$/, ''));
      rest = '';
    },
  };
}
