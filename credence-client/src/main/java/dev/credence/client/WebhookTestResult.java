package dev.credence.client;

/**
 * What the webhook test call found: whether the environment's receiver took the test event.
 *
 * @param delivered true when the receiver answered exactly 200
 * @param receiverStatus the receiver's HTTP status; null when it could not be reached
 * @param detail the server's sentence: where it delivered, or why the receiver could not be
 *     reached; for a refusal, the start of the receiver's answer
 */
public record WebhookTestResult(boolean delivered, Integer receiverStatus, String detail) {}
