"""A process's phases as a stepper, for the pages of rounds and cycles."""


def stepper(phases, current, deadlines):
    """Each phase in order with its label, its deadline (if any) and its state: done, current or upcoming."""
    index = list(phases).index(current)
    return [{"phase": phase, "label": phase.label, "deadline": deadlines.get(phase),
             "state": "done" if i < index else "current" if i == index else "upcoming"}
            for i, phase in enumerate(phases)]
