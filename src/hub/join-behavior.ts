import { HubArgumentError } from "./errors.js";
import type { JoinBehavior } from "./types.js";

const ACCEPT_ALL: JoinBehavior = { kind: "accept", response: {} };

interface JoinRule {
  topic: string | RegExp;
  behavior: JoinBehavior;
}

/**
 * Per-topic answers to `phx_join`. The most recently set matching rule
 * wins; a topic no rule matches is accepted with an empty response.
 *
 * @example
 * const rules = new JoinBehaviors();
 * rules.set(/^debug_plugin:/, { kind: "reject", reason: "maintenance" });
 * rules.behaviorFor("debug_plugin:x"); // → { kind: "reject", … }
 */
export class JoinBehaviors {
  private readonly rules: JoinRule[] = [];

  set(topic: string | RegExp, behavior: JoinBehavior): void {
    assertBehavior(behavior);

    const sameTopic = this.rules.findIndex(
      (rule) => String(rule.topic) === String(topic),
    );
    if (sameTopic >= 0) {
      this.rules.splice(sameTopic, 1);
    }

    this.rules.push({ topic, behavior });
  }

  behaviorFor(topic: string): JoinBehavior {
    for (let index = this.rules.length - 1; index >= 0; index--) {
      const rule = this.rules[index];
      if (rule && matches(rule.topic, topic)) {
        return rule.behavior;
      }
    }
    return ACCEPT_ALL;
  }
}

function matches(pattern: string | RegExp, topic: string): boolean {
  if (typeof pattern === "string") {
    return pattern === topic;
  }

  // A global or sticky RegExp keeps lastIndex between calls; reset it so
  // the same rule answers the same topic the same way every time.
  pattern.lastIndex = 0;
  return pattern.test(topic);
}

function assertBehavior(behavior: JoinBehavior): void {
  const kind = (behavior as { kind?: unknown } | undefined)?.kind;
  if (kind !== "accept" && kind !== "reject" && kind !== "ignore") {
    throw new HubArgumentError(
      'Join behavior kind must be "accept", "reject" or "ignore",' +
        ` got ${String(kind)}`,
    );
  }

  const reason = (behavior as { reason?: unknown }).reason;
  if (kind === "reject" && typeof reason !== "string") {
    throw new HubArgumentError("A reject join behavior needs a string reason");
  }
}
