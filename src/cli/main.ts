console.log('parallel-agents');
