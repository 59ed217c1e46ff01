/**
 * Every request window of every test bed — the requests the app made since the bed's last
 * `resetRequests()`, or until it closed — is offered to the observers registered here before it is
 * cleared. The test setup registers one that checks each request against GitHub's published
 * descriptions, so every end-to-end and reliability test is checked in one place.
 */
import type { RecordedRequest } from "./http.js";

type Observer = (requests: readonly RecordedRequest[]) => void;

const observers = new Set<Observer>();

/** Registers an observer of request windows; returns a function that removes it. */
export function observeRequestWindows(observer: Observer): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

/** Offers a window of requests to every observer (called by the bed). */
export function offerRequestWindow(requests: readonly RecordedRequest[]): void {
  if (requests.length === 0) return;
  for (const observer of observers) observer(requests);
}
