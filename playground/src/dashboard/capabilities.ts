// What the signed-in role may do, read from the schema it sees: the API hides from each role
// the fields it may not use, so a button is shown exactly when its mutation is in the schema.
import { createContext, useContext } from "react";

export interface Capabilities {
  query: Set<string>;
  mutation: Set<string>;
  subscription: Set<string>;
}

export const CapabilitiesContext = createContext<Capabilities>({
  query: new Set(),
  mutation: new Set(),
  subscription: new Set(),
});

export function useCan(): Capabilities {
  return useContext(CapabilitiesContext);
}
