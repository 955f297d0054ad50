#pragma once

#include <ebworker/worker/job.h>

// A continuable job (ebworker/worker/job_steps.h): arguments [total_steps, ms_per_step]. Works
// through its steps one index at a time, each taking ms_per_step, and appends a line holding the
// step's index to the file STEPS_JOB_OUT names (none when unset). When its run's budget is spent
// or the worker shuts down, it hands the rest on at the next step and another run goes on from
// there, so the file tells from outside which steps ran and which ran twice.
class StepsJob : public ebworker::Job {
 public:
  static constexpr std::string_view name = "StepsJob";
  ebworker::JobResult perform(const rapidjson::Value& arguments, ebworker::JobContext& context) override;
};
