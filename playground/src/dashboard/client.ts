// The dashboard's GraphQL client: urql over HTTP for queries and mutations, graphql-ws for
// subscriptions, both signed with the session's access token. Operations are sent as trusted
// documents: by the hash graphql-codegen gave them (the server knows the playground's
// manifest), never as text, so the dashboard works on a server that runs only those.
import { persistedExchange } from "@urql/exchange-persisted";
import { createClient as createWsClient, type Client as WsClient } from "graphql-ws";
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from "urql";
import { GRAPHQL_URL, websocketUrl } from "../lib/session";

export interface Connection {
  client: Client;
  ws: WsClient;
}

export function connect(token: string, onReconnect: () => void): Connection {
  const authorization = `Bearer ${token}`;
  const ws = createWsClient({
    url: websocketUrl(),
    connectionParams: { Authorization: authorization },
    lazy: true,
    retryAttempts: 20,
    on: {
      // Events committed while the socket was down are not replayed to a new subscription:
      // what is on screen is fetched again instead.
      connected: (_socket, _payload, wasRetry) => {
        if (wasRetry) onReconnect();
      },
    },
  });
  const client = new Client({
    url: GRAPHQL_URL,
    requestPolicy: "cache-and-network",
    fetchOptions: () => ({ headers: { authorization } }),
    exchanges: [
      cacheExchange,
      persistedExchange({
        enforcePersistedQueries: true,
        enableForMutation: true,
        enableForSubscriptions: true,
        generateHash: async (_query, document) => (document as { __meta__?: { hash?: string } }).__meta__?.hash,
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          // A persisted operation carries its hash in `extensions`, and no text.
          const input = { ...request, query: request.query ?? "" };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return { client, ws };
}
