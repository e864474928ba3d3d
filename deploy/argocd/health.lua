-- Argo CD health check for tablemigrator.io/TableMigration (installed by argocd-cm-patch.yaml in this directory).
-- Completed -> Healthy, Failed -> Degraded, Paused -> Suspended, a Manual cutover waiting for approval ->
-- Suspended, everything else Progressing; the message is the operator's status.message.
local hs = {}
local status = obj.status
if status == nil or status.phase == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the tablemigrator operator to report"
  return hs
end
local message = status.message
if message == nil or message == "" then
  message = status.phase
end
local generation = obj.metadata and obj.metadata.generation
if generation ~= nil and status.observedGeneration ~= nil and status.observedGeneration < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to act on the latest spec (generation " .. generation .. ")"
  return hs
end
if status.phase == "Completed" then
  hs.status = "Healthy"
elseif status.phase == "Failed" then
  hs.status = "Degraded"
elseif status.phase == "Paused" then
  hs.status = "Suspended"
else
  local cutover = obj.spec and obj.spec.cutover
  local waiting = false
  if status.phase == "Replicating" and cutover ~= nil and cutover.policy == "Manual" and cutover.approved ~= true
      and status.conditions ~= nil then
    for _, condition in ipairs(status.conditions) do
      if condition.type == "CutoverReady" and condition.status == "True" then
        waiting = true
      end
    end
  end
  if waiting then
    hs.status = "Suspended"
    if string.find(message, "Waiting for approval", 1, true) ~= 1 then
      message = "Waiting for approval: set spec.cutover.approved: true. " .. message
    end
  else
    hs.status = "Progressing"
  end
end
hs.message = message
return hs
